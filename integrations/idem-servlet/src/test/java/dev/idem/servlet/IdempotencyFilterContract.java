package dev.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.StoreFailurePolicy;
import dev.idem.http.HttpProfile;
import dev.idem.http.ScopeResolver;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of DESIGN.md §3 over real HTTP: a Jetty server with the filter, the JDK client (or a
 * raw socket where the JDK client refuses to send the bytes). Each test checks the answer and the
 * side-effect count. A store module runs it by supplying {@link #newStore()}.
 */
public abstract class IdempotencyFilterContract {

  /** A fresh, empty store for one test. */
  protected abstract IdempotencyStore newStore();

  private static final String PROBLEMS = "https://idem.dev/problems/";

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private TestServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(newStore());
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
    assertThat(server.escaped).as("exceptions escaping the filter").isEmpty();
  }

  static String newKey() {
    return "key-" + UUID.randomUUID();
  }

  HttpResponse<String> send(
      TestServer to, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String key) throws Exception {
    return send(server, "POST", path, body, "Idempotency-Key", key);
  }

  boolean stored(TestServer on, String scope, String key) {
    return on.engine.find(scope, key).isPresent();
  }

  boolean stored(String key) {
    return stored(server, ScopeResolver.ANONYMOUS, key);
  }

  static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(response.body())
        .contains("\"type\":\"" + PROBLEMS + type + "\"")
        .contains("\"status\":" + status)
        .contains("\"detail\":");
  }

  @Nested
  @DisplayName("GET, HEAD, OPTIONS, PUT, DELETE pass through untouched, nothing stored")
  class PassThrough {
    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    void unprotectedMethodsRunEveryTime(String method) throws Exception {
      String key = newKey();
      HttpResponse<String> first = send(server, method, "/payments", "", "Idempotency-Key", key);
      HttpResponse<String> second = send(server, method, "/payments", "", "Idempotency-Key", key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(second.statusCode()).isEqualTo(201);
      assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(server.executions).hasValue(2);
      assertThat(stored(key)).isFalse();
    }

    @Test
    void optInProtectsPutAndDelete() throws Exception {
      String key = newKey();
      send(server, "PUT", "/all-methods/x", "a", "Idempotency-Key", key);
      HttpResponse<String> replay =
          send(server, "PUT", "/all-methods/x", "a", "Idempotency-Key", key);
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void unprotectedRoutesKeepStreaming() throws Exception {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        // part1 arrives while the handler is still blocked: nothing buffered the response.
        String head = RawHttp.readUntil(in, "part1");
        assertThat(head).startsWith("HTTP/1.1 200");
        server.release();
        assertThat(RawHttp.readUntil(in, "part2")).isNotEmpty();
      }
    }

    @Test
    void optionalKeyAbsentPassesThrough() throws Exception {
      send(server, "POST", "/optional/x", "a");
      HttpResponse<String> second = send(server, "POST", "/optional/x", "a");
      assertThat(second.statusCode()).isEqualTo(201);
      assertThat(server.executions).hasValue(2);
    }
  }

  @Nested
  @DisplayName("POST/PATCH without a required key: 400")
  class MissingKey {
    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH"})
    void refused(String method) throws Exception {
      HttpResponse<String> response = send(server, method, "/payments", "a");
      assertProblem(response, 400, "idempotency-key-missing");
      assertThat(response.body()).contains("Idempotency-Key");
      assertThat(server.executions).hasValue(0);
    }
  }

  @Nested
  @DisplayName("malformed key or two Idempotency-Key fields: 400, nothing stored")
  class MalformedKey {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "short",
          "comma,0123456789abcdef",
          "space 0123456789abcdef",
          "\"unterminated-0123456789abcdef"
        })
    void refused(String key) throws Exception {
      RawHttp.Response response =
          RawHttp.send(
              server.port(),
              "POST",
              "/payments",
              List.of("Idempotency-Key: " + key),
              new byte[] {'a'});
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains(PROBLEMS + "idempotency-key-malformed");
      assertThat(server.executions).hasValue(0);
      assertThat(stored(key.trim())).isFalse();
    }

    @Test
    @DisplayName("a refused request leaves its keep-alive connection usable for the next one")
    void refusedRequestKeepsTheConnectionUsable() throws Exception {
      // Regression: answering 400 without reading the body made the server close the connection
      // under a client that had already pooled it, and the client's next POST got no response.
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        String body = "{\"item\":\"book\",\"amount\":1}";
        String head =
            "POST /payments HTTP/1.1\r\nHost: localhost\r\nIdempotency-Key: bad,key\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n";
        // The body follows the head late, as it can over a real network: a server that answers
        // before reading it must still read it, or close the connection under the client.
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(300);
        out.write((body + head + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String first = RawHttp.readUntil(in, "idempotency-key-malformed");
        String second = RawHttp.readUntil(in, "idempotency-key-malformed");
        assertThat(first)
            .startsWith("HTTP/1.1 400")
            .doesNotContainIgnoringCase("connection: close");
        assertThat(second).contains("HTTP/1.1 400");
      }
      assertThat(server.executions).hasValue(0);
    }

    @Test
    void longerThan255() throws Exception {
      String key = "k".repeat(256);
      HttpResponse<String> response = post("/payments", "a", key);
      assertProblem(response, 400, "idempotency-key-malformed");
      assertThat(response.body()).contains("TOO_LONG").doesNotContain(key);
      assertThat(server.executions).hasValue(0);
      assertThat(stored(key)).isFalse();
    }

    @Test
    void nonAscii() throws Exception {
      String key = "caf\u00e9-0123456789abcdef";
      RawHttp.Response response =
          RawHttp.send(
              server.port(),
              "POST",
              "/payments",
              List.of("Idempotency-Key: " + key),
              new byte[] {'a'});
      assertThat(response.status()).isEqualTo(400);
      assertThat(server.executions).hasValue(0);
    }

    @Test
    void twoFields() throws Exception {
      String key = newKey();
      RawHttp.Response response =
          RawHttp.send(
              server.port(),
              "POST",
              "/payments",
              List.of("Idempotency-Key: " + key, "idempotency-key: " + key),
              new byte[] {'a'});
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains(PROBLEMS + "idempotency-key-malformed");
      assertThat(server.executions).hasValue(0);
      assertThat(stored(key)).isFalse();
    }
  }

  @Nested
  @DisplayName("first request runs and is stored; a retry replays it")
  class FirstAndReplay {
    @Test
    void replayHasSameStatusAllowedHeadersAndBody() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/payments", "pay 10", key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.headers().allValues("Set-Cookie")).hasSize(2);
      assertThat(first.headers().firstValue("X-Trace")).contains("trace-1");
      assertThat(first.headers().firstValue("Content-Length"))
          .contains(String.valueOf(first.body().length()));
      assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(stored(key)).isTrue();

      HttpResponse<String> replay = post("/payments", "pay 10", key);
      assertThat(replay.statusCode()).isEqualTo(201);
      assertThat(replay.body()).isEqualTo(first.body()).isEqualTo("{\"n\":1,\"body\":\"pay 10\"}");
      assertThat(replay.headers().firstValue("Location"))
          .isEqualTo(first.headers().firstValue("Location"));
      assertThat(replay.headers().firstValue("Content-Type"))
          .isEqualTo(first.headers().firstValue("Content-Type"));
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(replay.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(replay.headers().firstValue("X-Trace")).isEmpty();
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void headerNameCasingDoesNotMatter() throws Exception {
      String key = newKey();
      RawHttp.Response lower =
          RawHttp.send(
              server.port(),
              "POST",
              "/payments",
              List.of("idempotency-key: " + key),
              new byte[] {'a'});
      RawHttp.Response upper =
          RawHttp.send(
              server.port(),
              "POST",
              "/payments",
              List.of("IDEMPOTENCY-KEY: " + key),
              new byte[] {'a'});
      assertThat(lower.status()).isEqualTo(201);
      assertThat(upper.status()).isEqualTo(201);
      assertThat(upper.header("Idempotent-Replayed")).containsExactly("true");
      assertThat(upper.body()).isEqualTo(lower.body());
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void quotedSfStringKeyEqualsBareKey() throws Exception {
      String key = newKey();
      HttpResponse<String> quoted = post("/payments", "a", "\"" + key + "\"");
      HttpResponse<String> bare = post("/payments", "a", key);
      assertThat(quoted.statusCode()).isEqualTo(201);
      assertThat(bare.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }
  }

  @Nested
  @DisplayName("the handler's response is captured whichever way it was written")
  class Capture {
    @Test
    void readerSeesTheBodyTheFilterAlreadyRead() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/reader", "line", key);
      HttpResponse<String> replay = post("/reader", "line", key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.body()).isEqualTo("read line");
      assertThat(replay.body()).isEqualTo("read line");
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void writerInheritsTheEncodingAlreadySetOnTheResponse() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/utf8/unicode", "a", key);
      HttpResponse<String> replay = post("/utf8/unicode", "a", key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).isEqualToIgnoringCase("text/plain;charset=UTF-8"));
      assertThat(first.body()).isEqualTo(TestServer.UNICODE);
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(replay.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).isEqualToIgnoringCase("text/plain;charset=UTF-8"));
      assertThat(replay.body()).isEqualTo(TestServer.UNICODE);
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void charsetSetAfterGetWriterDoesNotRelabelTheBody() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/late-charset", "a", key);
      HttpResponse<String> replay = post("/late-charset", "a", key);
      assertThat(first.headers().firstValue("Content-Type"))
          .hasValueSatisfying(
              t -> assertThat(t).isEqualToIgnoringCase("text/plain;charset=ISO-8859-1"));
      assertThat(first.body()).isEqualTo("Zo\u00eb");
      assertThat(replay.headers().firstValue("Content-Type"))
          .hasValueSatisfying(
              t -> assertThat(t).isEqualToIgnoringCase("text/plain;charset=ISO-8859-1"));
      assertThat(replay.body()).isEqualTo("Zo\u00eb");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void redirectIsStoredWithItsLocation() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/redirect", "a", key);
      HttpResponse<String> replay = post("/redirect", "a", key);
      assertThat(first.statusCode()).isEqualTo(302);
      assertThat(replay.statusCode()).isEqualTo(302);
      assertThat(replay.headers().firstValue("Location"))
          .isEqualTo(first.headers().firstValue("Location"))
          .hasValueSatisfying(location -> assertThat(location).endsWith("/payments/redirected"));
      assertThat(first.body()).doesNotContain("after the redirect");
      assertThat(replay.body()).doesNotContain("after the redirect");
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void sendErrorIsStoredWithAProblemBodyAndNothingWrittenAfterIt() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/send-error", "a", key);
      HttpResponse<String> replay = post("/send-error", "a", key);
      for (HttpResponse<String> response : List.of(first, replay)) {
        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.headers().firstValue("Content-Type"))
            .contains("application/problem+json");
        assertThat(response.body())
            .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Payment Required\",\"status\":402}");
      }
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }
  }

  @Nested
  @DisplayName("retry while the first is still running: 409 + Retry-After, or wait and replay")
  class Concurrent {
    @Test
    void duplicateIsRefusedWith409() throws Exception {
      String key = newKey();
      CompletableFuture<HttpResponse<String>> first = sendAsync("/slow", key);
      server.awaitEntered();
      HttpResponse<String> duplicate = post("/slow", "a", key);
      assertProblem(duplicate, 409, "request-in-progress");
      // A second, not the 60 s the heartbeat keeps the claim's lease at: the response may be
      // ready long before the lease could lapse.
      assertThat(duplicate.headers().firstValue("Retry-After")).contains("1");
      server.release();
      assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      HttpResponse<String> after = post("/slow", "a", key);
      assertThat(after.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void waitingPolicyReplaysOnceTheFirstCompletes() throws Exception {
      String key = newKey();
      CompletableFuture<HttpResponse<String>> first = sendAsync("/wait/slow", key);
      server.awaitEntered();
      CompletableFuture<HttpResponse<String>> duplicate = sendAsync("/wait/slow", key);
      Thread.sleep(300);
      assertThat(duplicate).isNotDone();
      server.release();
      HttpResponse<String> original = first.get(20, TimeUnit.SECONDS);
      HttpResponse<String> replay = duplicate.get(20, TimeUnit.SECONDS);
      assertThat(replay.statusCode()).isEqualTo(201);
      assertThat(replay.body()).isEqualTo(original.body());
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path, String key) {
      return client.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
              .timeout(Duration.ofSeconds(20))
              .header("Idempotency-Key", key)
              .POST(HttpRequest.BodyPublishers.ofString("a"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Nested
  @DisplayName("same key, different body, method or route: 422 (stripe: 400)")
  class Mismatch {
    @Test
    void differentBody() throws Exception {
      String key = newKey();
      post("/payments", "a", key);
      assertProblem(post("/payments", "b", key), 422, "idempotency-key-reused");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void differentFormBodyAfterAnEarlierFilterParsedTheForm() throws Exception {
      String key = newKey();
      String form = "application/x-www-form-urlencoded";
      HttpResponse<String> first =
          send(
              server,
              "POST",
              "/forms/pay",
              "amount=10",
              "Idempotency-Key",
              key,
              "Content-Type",
              form);
      HttpResponse<String> changed =
          send(
              server,
              "POST",
              "/forms/pay",
              "amount=99",
              "Idempotency-Key",
              key,
              "Content-Type",
              form);
      HttpResponse<String> retry =
          send(
              server,
              "POST",
              "/forms/pay",
              "amount=10",
              "Idempotency-Key",
              key,
              "Content-Type",
              form);
      assertThat(first.statusCode()).isEqualTo(201);
      assertProblem(changed, 422, "idempotency-key-reused");
      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void bodyAnEarlierFilterReadIsRefusedNotFingerprintedAsEmpty() throws Exception {
      String key = newKey();
      assertProblem(post("/consumed/pay", "a", key), 500, "body-unavailable");
      assertProblem(post("/consumed/pay", "b", key), 500, "body-unavailable");
      assertThat(server.executions).hasValue(0);
      assertThat(stored(key)).isFalse();
    }

    @Test
    void differentMethod() throws Exception {
      String key = newKey();
      post("/payments", "a", key);
      assertProblem(
          send(server, "PATCH", "/payments", "a", "Idempotency-Key", key),
          422,
          "idempotency-key-reused");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void differentRoute() throws Exception {
      String key = newKey();
      post("/payments", "a", key);
      assertProblem(post("/refunds", "a", key), 422, "idempotency-key-reused");
      assertProblem(post("/payments?currency=EUR", "a", key), 422, "idempotency-key-reused");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void stripeProfileAnswers400() throws Exception {
      try (TestServer stripe =
          TestServer.start(
              newStore(),
              HttpProfile.stripe(),
              ScopeResolver.principal(),
              StoreFailurePolicy.FAIL_CLOSED)) {
        String key = newKey();
        send(stripe, "POST", "/payments", "a", "Idempotency-Key", key);
        assertProblem(
            send(stripe, "POST", "/payments", "b", "Idempotency-Key", key),
            400,
            "idempotency-key-reused");
        assertThat(stripe.executions).hasValue(1);
      }
    }
  }

  @Nested
  @DisplayName("401 and 429 are not stored; 5xx and exceptions are, unless retryable")
  class Statuses {
    @ParameterizedTest
    @ValueSource(ints = {401, 429})
    void releasingStatusesRunAgain(int status) throws Exception {
      String key = newKey();
      assertThat(post("/status/" + status, "a", key).statusCode()).isEqualTo(status);
      assertThat(stored(key)).isFalse();
      HttpResponse<String> again = post("/status/" + status, "a", key);
      assertThat(again.statusCode()).isEqualTo(status);
      assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(server.executions).hasValue(2);
    }

    @Test
    void serverErrorIsStoredAndReplayed() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/status/503", "a", key);
      HttpResponse<String> replay = post("/status/503", "a", key);
      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(replay.statusCode()).isEqualTo(503);
      assertThat(replay.body()).isEqualTo(first.body());
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void serverErrorOnRetryableRouteReleasesTheKey() throws Exception {
      String key = newKey();
      post("/retryable/status/503", "a", key);
      post("/retryable/status/503", "a", key);
      assertThat(server.executions).hasValue(2);
      assertThat(stored(key)).isFalse();
    }

    @Test
    void thrownIsStoredAs500() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/throw", "a", key);
      assertProblem(first, 500, "handler-failed");
      assertThat(first.body()).doesNotContain("handler failure").doesNotContain("Exception");
      HttpResponse<String> replay = post("/throw", "a", key);
      assertProblem(replay, 500, "handler-failed");
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/async", "/async-plain"})
    void asyncHandlerIsAFailureNotAnEmptyAnswer(String path) throws Exception {
      String key = newKey();
      HttpResponse<String> first = post(path, "a", key);
      assertProblem(first, 500, "handler-failed");
      assertThat(first.body()).doesNotContain("late");
      HttpResponse<String> replay = post(path, "a", key);
      assertProblem(replay, 500, "handler-failed");
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }

    @Test
    void thrownOnRetryableRouteReleasesTheKey() throws Exception {
      String key = newKey();
      assertProblem(post("/retryable/throw", "a", key), 500, "handler-failed");
      assertThat(stored(key)).isFalse();
      assertProblem(post("/retryable/throw", "a", key), 500, "handler-failed");
      assertThat(server.executions).hasValue(2);
    }
  }

  @Nested
  @DisplayName("store unreachable: 503 + Retry-After; fail open only when configured")
  class StoreDown {
    @Test
    void failsClosed() throws Exception {
      try (TestServer down =
          TestServer.start(
              new UnreachableStore(),
              HttpProfile.ietf(),
              ScopeResolver.principal(),
              StoreFailurePolicy.FAIL_CLOSED)) {
        HttpResponse<String> response =
            send(down, "POST", "/payments", "a", "Idempotency-Key", newKey());
        assertProblem(response, 503, "store-unavailable");
        assertThat(response.headers().firstValue("Retry-After")).contains("3");
        assertThat(down.executions).hasValue(0);
      }
    }

    @Test
    void failsOpenWhenConfigured() throws Exception {
      try (TestServer open =
          TestServer.start(
              new UnreachableStore(),
              HttpProfile.ietf(),
              ScopeResolver.principal(),
              StoreFailurePolicy.FAIL_OPEN)) {
        String key = newKey();
        HttpResponse<String> first = send(open, "POST", "/payments", "a", "Idempotency-Key", key);
        HttpResponse<String> second = send(open, "POST", "/payments", "a", "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(open.executions).hasValue(2);
      }
    }
  }

  @Nested
  @DisplayName("bodies over the limit")
  class Limits {
    @Test
    void requestBodyOverTheLimitIs413AndNothingStored() throws Exception {
      String key = newKey();
      HttpResponse<String> response =
          post("/small/x", "x".repeat((int) TestServer.SMALL_LIMIT + 1), key);
      assertProblem(response, 413, "body-too-large");
      assertThat(server.executions).hasValue(0);
      assertThat(stored(key)).isFalse();
      assertThat(post("/small/x", "x".repeat((int) TestServer.SMALL_LIMIT), key).statusCode())
          .isEqualTo(201);
    }

    @Test
    void responseOverTheLimitIsSentButNotStored() throws Exception {
      String key = newKey();
      HttpResponse<String> first = post("/small/big", "a", key);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).hasSize(100);
      HttpResponse<String> replay = post("/small/big", "a", key);
      assertProblem(replay, 500, "response-too-large");
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(server.executions).hasValue(1);
    }
  }

  @Nested
  @DisplayName("tenants are isolated by scope")
  class Tenants {
    @Test
    void sameKeyInTwoTenantsRunsTwice() throws Exception {
      try (TestServer gateway =
          TestServer.start(
              newStore(),
              HttpProfile.ietf(),
              ScopeResolver.header("X-Tenant-Id"),
              StoreFailurePolicy.FAIL_CLOSED)) {
        String key = newKey();
        HttpResponse<String> a =
            send(gateway, "POST", "/payments", "a", "Idempotency-Key", key, "X-Tenant-Id", "acme");
        HttpResponse<String> b =
            send(
                gateway, "POST", "/payments", "a", "Idempotency-Key", key, "X-Tenant-Id", "globex");
        HttpResponse<String> aAgain =
            send(gateway, "POST", "/payments", "a", "Idempotency-Key", key, "X-Tenant-Id", "acme");
        assertThat(a.body()).contains("\"n\":1");
        assertThat(b.body()).contains("\"n\":2");
        assertThat(b.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(aAgain.body()).isEqualTo(a.body());
        assertThat(aAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(gateway.executions).hasValue(2);

        assertProblem(
            send(gateway, "POST", "/payments", "a", "Idempotency-Key", newKey()),
            400,
            "scope-missing");
        assertThat(gateway.executions).hasValue(2);
      }
    }
  }

  /** A store that is down: every call throws, as the SPI says a store must. */
  static final class UnreachableStore implements IdempotencyStore {
    private static StoreUnavailableException down() {
      return new StoreUnavailableException("test store is down", Duration.ofSeconds(3), null);
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      throw down();
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      throw down();
    }

    @Override
    public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      throw down();
    }

    @Override
    public WriteResult release(StoreKey key, LeaseToken token) {
      throw down();
    }

    @Override
    public boolean purge(StoreKey key) {
      throw down();
    }

    @Override
    public Optional<IdempotencyRecord> find(StoreKey key) {
      throw down();
    }
  }
}
