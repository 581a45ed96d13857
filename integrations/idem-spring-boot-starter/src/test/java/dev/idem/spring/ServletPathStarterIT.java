package dev.idem.spring;

import static dev.idem.spring.RouteResolutionIT.newKey;
import static dev.idem.spring.RouteResolutionIT.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.spring.routingapp.RoutingApplication;
import dev.idem.spring.routingapp.RoutingController;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code spring.mvc.servlet.path} set, Spring's mappings are relative to the servlet path and
 * the request path is not: the annotated handlers must be protected all the same.
 */
@SpringBootTest(
    classes = RoutingApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "spring.mvc.servlet.path=/v1",
      "idem.store.type=memory",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class ServletPathStarterIT {
  @LocalServerPort int port;
  @Autowired RoutingController handlers;

  @Test
  void refusesAProtectedRequestWithoutAKey() throws Exception {
    int before = handlers.runs("orders");

    HttpResponse<String> response = post(port, "/v1/orders", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("idempotency-key-missing");
    assertThat(handlers.runs("orders")).isEqualTo(before);
  }

  @Test
  void runsOnceAndReplays() throws Exception {
    int before = handlers.runs("orders");
    String key = newKey();

    HttpResponse<String> first = post(port, "/v1/orders", key);
    HttpResponse<String> second = post(port, "/v1/orders", key);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(handlers.runs("orders")).isEqualTo(before + 1);
  }

  @Test
  void protectsOnlyWhatTheDispatcherServletAnswers() throws Exception {
    // Outside the servlet path no handler runs: refusing for a missing key would be a false alarm.
    assertThat(post(port, "/orders", null).statusCode()).isEqualTo(404);
    assertThat(post(port, "/v1/items/search", null).statusCode()).isEqualTo(201);
  }
}
