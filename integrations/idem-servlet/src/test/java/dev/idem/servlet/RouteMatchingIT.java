package dev.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.InMemoryIdempotencyStore;
import dev.idem.http.RoutePolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which requests the filter protects, over real HTTP: it must decide on the path the container
 * routes on and with Spring's pattern semantics, or a request reaches a protected handler
 * unprotected. Requests go out as raw bytes, so that the path arrives exactly as written.
 */
class RouteMatchingIT {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        TestServer.start(
            InMemoryIdempotencyStore.ofDefaults(),
            builder ->
                builder
                    // Added before the literal it overlaps, which must still win.
                    .route("/items/{id}", RoutePolicy.ofDefaults())
                    .route("/items/search", RoutePolicy.ofDefaults().withKeyRequired(false))
                    .route("/orders", RoutePolicy.ofDefaults())
                    .route("/files/{name}.json", RoutePolicy.ofDefaults())
                    .route("/exports/*.csv", RoutePolicy.ofDefaults())
                    .route("/v{version}/reports", RoutePolicy.ofDefaults())
                    .route("/tree/{*rest}", RoutePolicy.ofDefaults())
                    .route(TestServer.SERVLET_PATH + "/payments", RoutePolicy.ofDefaults()));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    assertThat(server.escaped).as("exceptions escaping the filter").isEmpty();
  }

  private RawHttp.Response post(String path, String... key) throws Exception {
    List<String> headers = key.length == 0 ? List.of() : List.of("Idempotency-Key: " + key[0]);
    return RawHttp.send(
        server.port(), "POST", path, headers, "{}".getBytes(StandardCharsets.US_ASCII));
  }

  private static String newKey() {
    return "key-" + UUID.randomUUID();
  }

  @Nested
  @DisplayName("The path is matched as the container routes it: decoded, without ;parameters")
  class Normalised {
    @ParameterizedTest
    @ValueSource(strings = {"/orders;x=1", "/%6Frders", "/orders;jsessionid=abc", "/x/../orders"})
    void aDisguisedPathIsStillProtected(String path) throws Exception {
      RawHttp.Response response = post(path);

      assertThat(response.status()).as("POST %s without a key", path).isEqualTo(400);
      assertThat(response.body()).contains("idempotency-key-missing");
      assertThat(server.executions).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders;v=1", "/%6Frders"})
    void aDisguisedPathRunsOnceAndReplays(String path) throws Exception {
      String key = newKey();

      RawHttp.Response first = post(path, key);
      RawHttp.Response second = post(path, key);

      assertThat(first.status()).isEqualTo(201);
      assertThat(second.status()).isEqualTo(201);
      assertThat(second.headerLines()).contains("Idempotent-Replayed: true");
      assertThat(server.executions).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/payments", "/v1/payments;x=1"})
    void theServletPathIsPartOfThePathWithinTheApplication(String path) throws Exception {
      RawHttp.Response response = post(path);

      assertThat(response.status()).isEqualTo(400);
      assertThat(server.executions).hasValue(0);
    }
  }

  @Nested
  @DisplayName("Spring's segment patterns protect what they match, and only that")
  class Patterns {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "/files/report.json",
          "/exports/monthly.csv",
          "/v2/reports",
          "/tree",
          "/tree/a/b",
          "/items/42"
        })
    void protects(String path) throws Exception {
      RawHttp.Response response = post(path);

      assertThat(response.status()).as("POST %s without a key", path).isEqualTo(400);
      assertThat(response.body()).contains("idempotency-key-missing");
      assertThat(server.executions).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"/files/report.txt", "/exports/monthly.json", "/w2/reports", "/treehouse"})
    void leavesOthersAlone(String path) throws Exception {
      RawHttp.Response response = post(path);

      assertThat(response.status()).as("POST %s without a key", path).isEqualTo(201);
      assertThat(server.executions).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/items/search"})
    void theMostSpecificRouteDecidesWhateverTheOrderItWasAddedIn(String path) throws Exception {
      // /items/{id} requires a key; /items/search, more specific, does not.
      RawHttp.Response response = post(path);

      assertThat(response.status()).isEqualTo(201);
      assertThat(server.executions).hasValue(1);
    }
  }
}
