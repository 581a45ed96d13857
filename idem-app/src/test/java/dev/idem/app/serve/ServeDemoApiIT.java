package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code idem serve} as users start it: no --store, so the H2 file under ./data. */
@DisplayName("idem serve and its demo API, on the default H2 file store")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeDemoApiIT {
  static final String BOOK = "{\"item\": \"book\", \"amount\": 1200}";

  Path workDirectory;
  ServeProcess serve;

  @BeforeAll
  void start(@TempDir Path directory) throws Exception {
    workDirectory = directory;
    serve = ServeProcess.start(workDirectory);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (serve != null) {
      serve.close();
    }
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }

  static String tenant() {
    return "t-" + UUID.randomUUID();
  }

  static String orderId(String body) {
    Matcher matcher = Pattern.compile("\"id\":\"(ord_[0-9A-Z]{26})\"").matcher(body);
    assertThat(matcher.find()).as("an order in %s", body).isTrue();
    return matcher.group(1);
  }

  @Test
  @DisplayName("says where it listens and that the store is the H2 file under ./data")
  void announcesTheDefaultStore() throws Exception {
    assertThat(serve.output())
        .contains("store: H2 file " + workDirectory.toRealPath().resolve("data/idem.mv.db"))
        .contains("/api/demo/orders");
    assertThat(workDirectory.resolve("data").resolve("idem.mv.db")).exists();
  }

  @Test
  @DisplayName("places an order once per key and replays it to every retry")
  void placesOnceAndReplays() throws Exception {
    String tenant = tenant();
    String key = newKey();
    HttpResponse<String> first = serve.send(serve.order(key, tenant, BOOK, ""));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    String id = orderId(first.body());
    assertThat(first.headers().firstValue("Location")).hasValue("/api/demo/orders/" + id);
    assertThat(first.body()).contains("\"tenant\":\"" + tenant + "\"", "\"amount\":1200");

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> retry = serve.send(serve.order(key, tenant, BOOK, ""));
      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(retry.headers().firstValue("Location")).hasValue("/api/demo/orders/" + id);
      assertThat(retry.body()).isEqualTo(first.body());
    }
    assertThat(serve.count(tenant)).isEqualTo(1);

    HttpResponse<String> located =
        serve.send(serve.request("/api/demo/orders/" + id).header("X-Tenant-Id", tenant).GET());
    assertThat(located.statusCode()).isEqualTo(200);
    assertThat(orderId(located.body())).isEqualTo(id);
    HttpResponse<String> otherTenant =
        serve.send(serve.request("/api/demo/orders/" + id).header("X-Tenant-Id", tenant()).GET());
    assertThat(otherTenant.statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("keeps tenants apart: the same key in another tenant is another order")
  void separatesTenants() throws Exception {
    String key = newKey();
    String a = tenant();
    String b = tenant();
    HttpResponse<String> inA = serve.send(serve.order(key, a, BOOK, ""));
    HttpResponse<String> inB = serve.send(serve.order(key, b, BOOK, ""));
    assertThat(inA.statusCode()).isEqualTo(201);
    assertThat(inB.statusCode()).isEqualTo(201);
    assertThat(inB.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(orderId(inB.body())).isNotEqualTo(orderId(inA.body()));
    assertThat(serve.count(a)).isEqualTo(1);
    assertThat(serve.count(b)).isEqualTo(1);
  }

  @Test
  @DisplayName("without X-Tenant-Id the tenant is 'public'")
  void defaultsToThePublicTenant() throws Exception {
    long before = serve.count(null);
    HttpResponse<String> placed = serve.send(serve.order(newKey(), null, BOOK, ""));
    assertThat(placed.statusCode()).isEqualTo(201);
    assertThat(placed.body()).contains("\"tenant\":\"public\"");
    assertThat(serve.count(null)).isEqualTo(before + 1);
    assertThat(serve.count("public")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("refuses a different body under a used key with 422, and a missing key with 400")
  void refusesMismatchAndMissingKey() throws Exception {
    String tenant = tenant();
    String key = newKey();
    assertThat(serve.send(serve.order(key, tenant, BOOK, "")).statusCode()).isEqualTo(201);
    HttpResponse<String> mismatch =
        serve.send(serve.order(key, tenant, "{\"item\": \"book\", \"amount\": 1300}", ""));
    assertThat(mismatch.statusCode()).isEqualTo(422);
    assertThat(mismatch.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(mismatch.body()).contains("https://idem.dev/problems/idempotency-key-reused");

    HttpResponse<String> missing = serve.send(serve.order(null, tenant, BOOK, ""));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("idempotency-key-missing");
    assertThat(serve.count(tenant)).isEqualTo(1);
  }

  @Test
  @DisplayName("answers 409 with Retry-After while a slow first request runs, then replays it")
  void conflictsWhileInProgress() throws Exception {
    String tenant = tenant();
    String key = newKey();
    // Whichever of the two reaches the engine first runs for 1.5 s; the other finds it running.
    CompletableFuture<HttpResponse<String>> one =
        serve.sendAsync(serve.order(key, tenant, BOOK, "?delayMs=1500"));
    Thread.sleep(100);
    CompletableFuture<HttpResponse<String>> two =
        serve.sendAsync(serve.order(key, tenant, BOOK, "?delayMs=1500"));
    HttpResponse<String> a = one.get();
    HttpResponse<String> b = two.get();
    HttpResponse<String> first = a.statusCode() == 201 ? a : b;
    HttpResponse<String> duplicate = first == a ? b : a;
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(409);
    assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
    assertThat(duplicate.body()).contains("request-in-progress");
    HttpResponse<String> after = serve.send(serve.order(key, tenant, BOOK, "?delayMs=1500"));
    assertThat(after.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(after.body()).isEqualTo(first.body());
    assertThat(serve.count(tenant)).isEqualTo(1);
  }

  @Test
  @DisplayName("stores a handler's 500 like any answer: the retry replays it, no order placed")
  void storesAFailure() throws Exception {
    String tenant = tenant();
    String key = newKey();
    HttpResponse<String> failed = serve.send(serve.order(key, tenant, BOOK, "?fail=500"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(failed.body()).contains("demo-handler-failed").doesNotContain("Exception");
    HttpResponse<String> retry = serve.send(serve.order(key, tenant, BOOK, "?fail=500"));
    assertThat(retry.statusCode()).isEqualTo(500);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(serve.count(tenant)).isZero();
  }

  @Test
  @DisplayName("answers bad orders and parameters with a precise problem, placing nothing")
  void refusesBadInput() throws Exception {
    String tenant = tenant();
    record Case(String body, String query, String contentType, int status, String says) {}
    Case[] cases = {
      new Case("{\"item\": \"book\",", "", "application/json", 400, "not valid JSON"),
      new Case("[1, 2]", "", "application/json", 400, "JSON object"),
      new Case("{\"amount\": 5}", "", "application/json", 400, "item must be"),
      new Case("{\"item\": \"b\", \"amount\": 1.5}", "", "application/json", 400, "amount must be"),
      new Case("{\"item\": \"b\", \"amount\": \"5\"}", "", "application/json", 400, "amount must"),
      new Case(BOOK, "?delayMs=20000", "application/json", 400, "delayMs must"),
      new Case(BOOK, "?delayMs=soon", "application/json", 400, "delayMs must"),
      new Case(BOOK, "?fail=404", "application/json", 400, "fail only takes"),
      new Case("item=book", "", "application/x-www-form-urlencoded", 415, "application/json"),
    };
    for (Case c : cases) {
      HttpRequest.Builder request =
          serve
              .request("/api/demo/orders" + c.query())
              .header("Content-Type", c.contentType())
              .header("Idempotency-Key", newKey())
              .header("X-Tenant-Id", tenant)
              .POST(HttpRequest.BodyPublishers.ofString(c.body()));
      HttpResponse<String> response = serve.send(request);
      assertThat(response.statusCode()).as("%s%s", c.body(), c.query()).isEqualTo(c.status());
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(response.body()).contains(c.says()).doesNotContain("Exception", "at dev.");
    }
    HttpResponse<String> badTenant =
        serve.send(serve.request("/api/demo/orders/count").header("X-Tenant-Id", "a b").GET());
    assertThat(badTenant.statusCode()).isEqualTo(400);
    assertThat(badTenant.body()).contains("X-Tenant-Id");
    assertThat(serve.count(tenant)).isZero();
  }

  @Test
  @DisplayName("exposes Prometheus metrics and health with the store on the same port")
  void exposesMetricsAndHealth() throws Exception {
    String tenant = tenant();
    String key = newKey();
    serve.send(serve.order(key, tenant, BOOK, ""));
    serve.send(serve.order(key, tenant, BOOK, ""));
    HttpResponse<String> metrics = serve.send(serve.request("/actuator/prometheus").GET());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("idempotency_key_status_total{")
        .contains("outcome=\"new\"")
        .contains("outcome=\"replayed\"")
        .contains("idempotency_dedup_latency_seconds_bucket")
        .doesNotContain(key);
    HttpResponse<String> health = serve.send(serve.request("/actuator/health").GET());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"idemStore\"");
  }

  @Test
  @DisplayName("replays after a restart: records and orders live in the H2 file")
  void survivesARestart() throws Exception {
    Path other = Files.createTempDirectory(workDirectory, "restart");
    String tenant = tenant();
    String key = newKey();
    String first;
    try (ServeProcess before = ServeProcess.start(other)) {
      HttpResponse<String> placed = before.send(before.order(key, tenant, BOOK, ""));
      assertThat(placed.statusCode()).isEqualTo(201);
      first = placed.body();
      before.stop();
    }
    try (ServeProcess after = ServeProcess.start(other)) {
      HttpResponse<String> retry = after.send(after.order(key, tenant, BOOK, ""));
      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(retry.body()).isEqualTo(first);
      assertThat(after.count(tenant)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("refuses an unknown --store before starting anything")
  void refusesAnUnknownStore() throws Exception {
    ServeProcess bad = ServeProcess.launch(workDirectory, "--store", "mongodb://localhost");
    assertThat(bad.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(bad.output()).contains("--store 'mongodb://localhost' is not a store", "redis://");
  }

  @Test
  @DisplayName("ends with one clear line when its port is taken")
  void reportsAPortInUse() throws Exception {
    int port = serve.base().getPort();
    ServeProcess second =
        ServeProcess.launch(workDirectory, "--store", "memory", "--port", Integer.toString(port));
    assertThat(second.awaitExit(Duration.ofSeconds(90))).isNotZero();
    assertThat(second.output()).contains("idem serve: could not start").contains("" + port);
    assertThat(second.output()).doesNotContain("\tat org.");
  }

  @Test
  @DisplayName("says so in one line when another process has the H2 file open")
  void reportsALockedH2File() throws Exception {
    ServeProcess second = ServeProcess.launch(workDirectory);
    assertThat(second.awaitExit(Duration.ofSeconds(90))).isEqualTo(70);
    assertThat(second.output())
        .contains("idem serve: could not start: another process (another idem serve?) has the H2")
        .contains("--store h2:OTHER_PATH")
        .doesNotContain("\tat org.");
  }

  @Test
  @DisplayName(
      "starts with a store that is down, warns, answers 503 and recovers nothing half-done")
  void warnsWhenTheStoreIsDown() throws Exception {
    try (ServeProcess down = ServeProcess.start(workDirectory, "--store", "redis://127.0.0.1:1")) {
      down.awaitOutput("warning: the store does not answer yet", Duration.ofSeconds(30));
      HttpResponse<String> refused = down.send(down.order(newKey(), tenant(), BOOK, ""));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }
}
