package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.spring.adminapp.AdminApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Exposing every Actuator endpoint does not switch the admin endpoint on: it needs its own access
 * setting, so a careless {@code exposure.include=*} cannot open a purge.
 */
@DisplayName("The admin endpoint, by default")
@SpringBootTest(
    classes = AdminApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "idem.store.type=memory",
      "idem.http.scope-header=X-Tenant",
      "management.endpoints.web.exposure.include=*",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class AdminEndpointOffByDefaultIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired ApplicationContext context;

  @Test
  @DisplayName("is absent (404) even with every endpoint exposed, while the application works")
  void absentByDefault() throws Exception {
    String key = UUID.randomUUID().toString();
    HttpResponse<String> paid =
        send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/payments"))
                .header("Content-Type", "application/json")
                .header("X-Tenant", "a")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"1.00\"}")));
    assertThat(paid.statusCode()).isEqualTo(201);

    URI record = URI.create("http://localhost:" + port + "/actuator/idempotency/tenant:a/" + key);
    assertThat(send(HttpRequest.newBuilder(record).GET()).statusCode()).isEqualTo(404);
    assertThat(send(HttpRequest.newBuilder(record).DELETE()).statusCode()).isEqualTo(404);
    assertThat(
            send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .GET())
                .statusCode())
        .as("Actuator itself is up and exposed")
        .isEqualTo(200);
    assertThat(context.getBeansOfType(IdemAdminEndpoint.class)).isEmpty();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
