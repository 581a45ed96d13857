package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.Idempotency;
import dev.idem.spring.adminapp.AdminApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The {@code idempotency} Actuator endpoint over real HTTP, with tenants taken from a header as a
 * gateway would set it, and operators limited to {@code tenant:*} scopes.
 */
@DisplayName("The admin endpoint, switched on")
@SpringBootTest(
    classes = AdminApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "idem.store.type=memory",
      "idem.http.scope-header=X-Tenant",
      "idem.admin.allowed-scopes=tenant:*",
      "management.endpoint.idempotency.access=unrestricted",
      "management.endpoints.web.exposure.include=idempotency",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class AdminEndpointIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired AdminApplication.Payments payments;
  @Autowired Idempotency idempotency;

  @Test
  @DisplayName("inspect after a request shows the completed record, without key or response")
  void inspectCompleted() throws Exception {
    String key = newKey();
    assertThat(pay("/payments", "a", key, "10.00").statusCode()).isEqualTo(201);

    HttpResponse<String> inspected = admin("GET", "tenant:a", key, null);

    assertThat(inspected.statusCode()).isEqualTo(200);
    JsonNode view = JSON.readTree(inspected.body());
    assertThat(view.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(view.get("scope").asText()).isEqualTo("tenant:a");
    assertThat(view.get("storeKey").asText())
        .as("the same store key the filter used")
        .isEqualTo(idempotency.storeKey("tenant:a", key).hex());
    assertThat(view.get("resultBytes").asInt()).isPositive();
    assertThat(view.has("claim")).isFalse();
    assertThat(view.get("completedAt").asText()).isNotBlank();
    assertThat(inspected.body()).doesNotContain(key).doesNotContain("10.00");
  }

  @Test
  @DisplayName("a stuck claim is force-released by its claim id, then a new request executes")
  void forceReleaseStuckClaim() throws Exception {
    String key = newKey();
    payments.hold();
    CompletableFuture<HttpResponse<String>> stuck = payAsync("/slow-payments", "a", key, "20.00");
    try {
      assertThat(payments.awaitHeld()).as("the slow payment is running").isTrue();
      assertThat(pay("/slow-payments", "a", key, "20.00").statusCode())
          .as("a retry while it runs")
          .isEqualTo(409);

      JsonNode view = JSON.readTree(admin("GET", "tenant:a", key, null).body());
      assertThat(view.get("state").asText()).isEqualTo("IN_PROGRESS");
      String claim = view.get("claim").asText();

      HttpResponse<String> wrongClaim =
          admin("POST", "tenant:a", key, "{\"claim\":\"0000000000000000\"}");
      assertThat(wrongClaim.statusCode()).isEqualTo(409);
      assertThat(wrongClaim.body()).contains("claim-changed");
      HttpResponse<String> otherTenant =
          admin("POST", "tenant:b", key, "{\"claim\":\"" + claim + "\"}");
      assertThat(otherTenant.statusCode()).isEqualTo(404);
      HttpResponse<String> released =
          admin("POST", "tenant:a", key, "{\"claim\":\"" + claim + "\"}");
      assertThat(released.statusCode()).isEqualTo(200);
      assertThat(released.body()).contains("released");
    } finally {
      payments.release();
    }

    int runsBefore = payments.runs();
    HttpResponse<String> fresh = pay("/slow-payments", "a", key, "20.00");
    assertThat(fresh.statusCode()).isEqualTo(201);
    assertThat(payments.runs()).as("the new request ran the handler").isGreaterThan(runsBefore);
    assertThat(stuck.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);

    HttpResponse<String> retry = pay("/slow-payments", "a", key, "20.00");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(retry.body())
        .as("the stuck worker's late result was fenced out; the new one is replayed")
        .isEqualTo(fresh.body());
    HttpResponse<String> completed =
        admin("POST", "tenant:a", key, "{\"claim\":\"0000000000000000\"}");
    assertThat(completed.statusCode()).isEqualTo(409);
    assertThat(completed.body()).contains("not-in-progress");
  }

  @Test
  @DisplayName("purge removes the record: the next request with the key runs again")
  void purge() throws Exception {
    String key = newKey();
    pay("/payments", "a", key, "30.00");
    int runs = payments.runs();

    HttpResponse<String> purged = admin("DELETE", "tenant:a", key, null);

    assertThat(purged.statusCode()).isEqualTo(200);
    assertThat(purged.body()).contains("purged");
    assertThat(admin("GET", "tenant:a", key, null).statusCode()).isEqualTo(404);
    assertThat(admin("DELETE", "tenant:a", key, null).statusCode()).isEqualTo(404);
    HttpResponse<String> again = pay("/payments", "a", key, "30.00");
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(payments.runs()).isEqualTo(runs + 1);
  }

  @Test
  @DisplayName("scope B with A's key finds nothing and deletes nothing")
  void scopeIsolation() throws Exception {
    String key = newKey();
    pay("/payments", "a", key, "40.00");

    assertThat(admin("GET", "tenant:b", key, null).statusCode()).isEqualTo(404);
    assertThat(admin("DELETE", "tenant:b", key, null).statusCode()).isEqualTo(404);
    assertThat(admin("GET", "tenant:a", key, null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("scopes outside idem.admin.allowed-scopes or refused by the hook are forbidden")
  void forbiddenScopes() throws Exception {
    String key = newKey();
    pay("/payments", "locked", key, "50.00");

    HttpResponse<String> principal = admin("GET", "principal:bob", key, null);
    HttpResponse<String> locked = admin("DELETE", AdminApplication.LOCKED_SCOPE, key, null);

    assertThat(principal.statusCode()).isEqualTo(403);
    assertThat(principal.body()).contains("scope-forbidden");
    assertThat(locked.statusCode()).isEqualTo(403);
    assertThat(idempotency.find(AdminApplication.LOCKED_SCOPE, key))
        .as("the refused purge changed nothing")
        .isPresent();
  }

  @Test
  @DisplayName("a malformed key is a 400 naming the broken rule, not a stack trace")
  void malformedKey() throws Exception {
    HttpResponse<String> response = admin("GET", "tenant:a", "short", null);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("outcome").asText()).isEqualTo("key-rejected");
    assertThat(body.get("rule").asText()).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.idem");
    assertThat(admin("DELETE", "tenant:a", "short", null).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("a force-release without a claim id is a 400 and releases nothing")
  void forceReleaseNeedsAClaim() throws Exception {
    String key = newKey();
    pay("/payments", "a", key, "60.00");

    assertThat(admin("POST", "tenant:a", key, "{}").statusCode()).isEqualTo(400);
    assertThat(admin("GET", "tenant:a", key, null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> admin(String method, String scope, String key, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + port + "/actuator/idempotency/" + scope + "/" + key))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> pay(String path, String tenant, String key, String amount)
      throws Exception {
    return CLIENT.send(payment(path, tenant, key, amount), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> payAsync(
      String path, String tenant, String key, String amount) {
    return CLIENT.sendAsync(
        payment(path, tenant, key, amount), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest payment(String path, String tenant, String key, String amount) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json")
        .header("X-Tenant", tenant)
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"" + amount + "\"}"))
        .build();
  }

  private static String newKey() {
    return UUID.randomUUID().toString();
  }
}
