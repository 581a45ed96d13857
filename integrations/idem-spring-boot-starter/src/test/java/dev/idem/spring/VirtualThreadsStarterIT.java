package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole HTTP contract with Spring Boot's virtual threads switched on: on Java 21+ Tomcat runs
 * every request on a new virtual thread, which borrows Idem's pooled key generator and digester. On
 * Java 17 Boot ignores the property and requests stay on platform threads.
 */
@DisplayName("The starter over HTTP on virtual threads (Java 21+)")
@TestPropertySource(
    properties = {
      "idem.store.type=memory",
      "spring.threads.virtual.enabled=true",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class VirtualThreadsStarterIT extends StarterHttpContract {

  @Test
  void handlersRunOnVirtualThreadsWhereTheJdkHasThem() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"virtual\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
    if (Runtime.version().feature() >= 21) {
      assertThat(orders.lastThread()).startsWith("VirtualThread[");
    } else {
      assertThat(orders.lastThread()).doesNotStartWith("VirtualThread[");
    }
  }
}
