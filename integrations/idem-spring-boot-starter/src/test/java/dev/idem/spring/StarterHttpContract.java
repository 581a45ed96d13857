package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Idempotency;
import dev.idem.spring.testapp.OrdersApplication;
import dev.idem.spring.testapp.OrdersController;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The starter's HTTP behaviour over real HTTP with the JDK client; one subclass per store. Each
 * test uses fresh keys and items, so the tests share one application context.
 */
@SpringBootTest(
    classes = OrdersApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class StarterHttpContract {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired OrdersController orders;
  @Autowired Idempotency idempotency;
  @Autowired MeterRegistry meters;

  @Autowired
  @Qualifier("idemStoreHealthIndicator")
  HealthIndicator storeHealth;

  @Test
  void replaysTheStoredResponseWithoutRunningTheHandlerAgain() throws Exception {
    String key = newKey();
    String item = newItem();

    HttpResponse<String> first = post("/orders", key, item);
    HttpResponse<String> second = post("/orders", key, item);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(second.body()).isEqualTo(first.body()).contains(item);
    assertThat(orders.executions(item)).isEqualTo(1);
  }

  @Test
  void refusesAProtectedRequestWithoutAKey() throws Exception {
    String item = newItem();

    HttpResponse<String> response = post("/orders", null, item);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.body()).contains("idempotency-key-missing");
    assertThat(orders.executions(item)).isZero();
  }

  @Test
  void refusesAKeyReusedForAnotherBody() throws Exception {
    String key = newKey();
    String item = newItem();
    String other = newItem();

    post("/orders", key, item);
    HttpResponse<String> reused = post("/orders", key, other);

    assertThat(reused.statusCode()).isEqualTo(422);
    assertThat(reused.body()).contains("idempotency-key-reused");
    assertThat(orders.executions(other)).isZero();
  }

  @Test
  void leavesUnannotatedRoutesAlone() throws Exception {
    String key = newKey();
    String item = newItem();

    HttpResponse<String> first = post("/plain", key, item);
    HttpResponse<String> second = post("/plain", key, item);
    HttpResponse<String> keyless = post("/plain", null, item);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(keyless.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(second.body()).isNotEqualTo(first.body());
    assertThat(orders.executions(item)).isEqualTo(3);
  }

  @Test
  void appliesTheApplicationsCustomizer() throws Exception {
    String item = newItem();

    HttpResponse<String> response = post("/orders", "thirteen-char", item);

    assertThat(idempotency.keyPolicy()).isSameAs(OrdersApplication.ORDER_KEYS);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("idempotency-key-malformed");
    assertThat(orders.executions(item)).isZero();
  }

  @Test
  void countsOutcomesInTheMeterRegistry() throws Exception {
    double fresh = status("new");
    double replayed = status("replayed");
    double mismatch = status("mismatch");
    double missing = meters.get(IdemMetrics.HEADER_MISSING).counter().count();
    long timed = meters.get(IdemMetrics.DEDUP_LATENCY).timer().count();
    String key = newKey();

    post("/orders", key, newItem());
    post("/orders", key, newItem());
    post("/orders", null, newItem());

    String item = newItem();
    String again = newKey();
    post("/orders", again, item);
    post("/orders", again, item);

    assertThat(status("new") - fresh).isEqualTo(2);
    assertThat(status("replayed") - replayed).isEqualTo(1);
    assertThat(status("mismatch") - mismatch).isEqualTo(1);
    assertThat(meters.get(IdemMetrics.HEADER_MISSING).counter().count() - missing).isEqualTo(1);
    assertThat(meters.get(IdemMetrics.DEDUP_LATENCY).timer().count() - timed).isEqualTo(4);
    assertThat(meters.get(IdemMetrics.HIT_VS_MISS_RATIO).gauge().value()).isBetween(0.0, 1.0);
    assertThat(meters.get(IdemMetrics.STUCK_PENDING_KEYS).gauge().value()).isZero();
    assertThat(meters.get(IdemMetrics.KEY_STATUS).counters())
        .allSatisfy(
            counter ->
                assertThat(counter.getId().getTags())
                    .singleElement()
                    .satisfies(tag -> assertThat(tag.getKey()).isEqualTo("outcome")));
  }

  @Test
  void reportsTheStoreUp() {
    assertThat(storeHealth.health().getStatus()).isEqualTo(Status.UP);
  }

  private double status(String outcome) {
    return meters.get(IdemMetrics.KEY_STATUS).tag("outcome", outcome).counter().count();
  }

  HttpResponse<String> post(String path, @Nullable String key, String item) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + item + "\"}"));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }

  static String newItem() {
    return "item-" + UUID.randomUUID();
  }
}
