package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(post("/orders", newKey(), newItem()).statusCode()).isEqualTo(201);
    if (Runtime.version().feature() >= 21) {
      assertThat(orders.lastThread()).startsWith("VirtualThread[");
    } else {
      assertThat(orders.lastThread()).doesNotStartWith("VirtualThread[");
    }
  }
}
