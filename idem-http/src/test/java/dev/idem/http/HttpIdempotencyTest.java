package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Fingerprinter;
import dev.idem.Idempotency;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.Outcome;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol engine without a server: decisions for an in-memory request. */
class HttpIdempotencyTest {
  private static final String KEY = "key-0123456789abcdef";

  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.ofDefaults();
  private final Idempotency engine = Idempotency.builder().store(store).build();
  private final HttpIdempotency http = HttpIdempotency.builder().idempotency(engine).build();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void close() {
    engine.close();
  }

  record Request(String method, String route, Map<String, List<String>> fields, byte[] bytes)
      implements HttpRequestView {
    static Request post(String body, String... keyFields) {
      return new Request(
          "POST",
          "/payments",
          Map.of("idempotency-key", List.of(keyFields)),
          body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> headers(String name) {
      return fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public @Nullable String principal() {
      return null;
    }

    @Override
    public InputStream body() {
      return new ByteArrayInputStream(bytes);
    }
  }

  private ResponseSnapshot created(byte[] body) {
    runs.incrementAndGet();
    return new ResponseSnapshot(
        201,
        List.of(
            new ResponseSnapshot.Header("Content-Type", "text/plain"),
            new ResponseSnapshot.Header("Set-Cookie", "s=1")),
        body);
  }

  @Test
  void firstRequestExecutesAndARetryReplaysWithoutSetCookie() {
    Decision first = http.handle(Request.post("a", KEY), this::created);
    Decision second = http.handle(Request.post("a", KEY), this::created);
    assertThat(first).isInstanceOf(Decision.Executed.class);
    assertThat(((Decision.Executed) first).response().header("Set-Cookie")).contains("s=1");
    ResponseSnapshot replay = ((Decision.Replayed) second).response();
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).contains("true");
    assertThat(replay.header("Set-Cookie")).isEmpty();
    assertThat(replay.body()).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
    assertThat(runs).hasValue(1);
  }

  @Test
  void getPassesThroughWithoutReadingTheBody() {
    HttpRequestView get =
        new HttpRequestView() {
          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String route() {
            return "/payments";
          }

          @Override
          public List<String> headers(String name) {
            return List.of();
          }

          @Override
          public @Nullable String principal() {
            return null;
          }

          @Override
          public InputStream body() {
            throw new AssertionError("body read on a pass-through");
          }
        };
    assertThat(http.handle(get, this::created)).isInstanceOf(Decision.PassThrough.class);
  }

  @Test
  void thrownHandlerIsStoredAs500UnlessRetryable() {
    Decision thrown =
        http.handle(
            Request.post("a", KEY),
            body -> {
              runs.incrementAndGet();
              throw new IllegalStateException("boom");
            });
    Decision.Executed executed = (Decision.Executed) thrown;
    assertThat(executed.response().status()).isEqualTo(500);
    assertThat(executed.storage()).isEqualTo(Outcome.Storage.STORED);
    assertThat(executed.failure()).hasMessage("boom");
    assertThat(new String(executed.response().body(), StandardCharsets.UTF_8))
        .contains("handler-failed")
        .doesNotContain("boom");
    Decision retry = http.handle(Request.post("a", KEY), this::created);
    assertThat(((Decision.Replayed) retry).response().status()).isEqualTo(500);
    assertThat(runs).hasValue(1);

    RoutePolicy retryable = RoutePolicy.ofDefaults().withRetryable(true);
    String other = "other-0123456789abcdef";
    Decision released =
        http.handle(
            Request.post("a", other),
            retryable,
            body -> {
              throw new IllegalStateException("boom");
            });
    assertThat(((Decision.Executed) released).storage()).isEqualTo(Outcome.Storage.RELEASED);
    assertThat(http.handle(Request.post("a", other), retryable, this::created))
        .isInstanceOf(Decision.Executed.class);
  }

  /** A POST whose Content-Length field says {@code declared}, whatever the body really holds. */
  private static Request declaring(String declared, String body) {
    return new Request(
        "POST",
        "/payments",
        Map.of(
            "idempotency-key", List.of(KEY + "-length" + declared),
            "content-length", List.of(declared)),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theHandlerGetsTheWholeBodyWhenContentLengthUnderstatesItOrIsUnusable() {
    for (String declared : List.of("5", "3", "0", "x", "-1")) {
      AtomicReference<byte[]> seen = new AtomicReference<>();
      Decision decision =
          http.handle(
              declaring(declared, "hello"),
              RoutePolicy.ofDefaults().withMaxBodyBytes(5),
              body -> {
                seen.set(body);
                return created(body);
              });
      assertThat(decision).as(declared).isInstanceOf(Decision.Executed.class);
      assertThat(seen.get()).as(declared).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aBodyShorterThanItsContentLengthIsRefusedNotFingerprintedAsWhole() {
    // What a stream looks like when a filter before Idem read the body (a form's getParameter).
    Decision decision = http.handle(declaring("9", "hello"), this::created);
    ResponseSnapshot response = ((Decision.Rejected) decision).response();
    assertThat(response.status()).isEqualTo(500);
    assertThat(response.header("Content-Type")).contains(Problem.MEDIA_TYPE);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("body-unavailable")
        .contains("read 4 of this request's 9 body bytes");
    assertThat(runs).hasValue(0);
    assertThat(engine.find(ScopeResolver.ANONYMOUS, KEY + "-length9")).isEmpty();
  }

  /** A request whose body something before Idem consumed, and whose adapter recovers it. */
  private static HttpRequestView consumed(String standIn) {
    Request request =
        new Request(
            "POST",
            "/payments",
            Map.of(
                "idempotency-key", List.of(KEY),
                "content-length", List.of("3"),
                "content-type", List.of("application/x-www-form-urlencoded")),
            new byte[0]);
    return view(request, request.body(), Optional.of(standIn.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code request} as an adapter shows it, with its own body stream and recovered body. */
  private static HttpRequestView view(
      Request request, InputStream body, Optional<byte[]> consumedBody) {
    return new HttpRequestView() {
      @Override
      public String method() {
        return request.method();
      }

      @Override
      public String route() {
        return request.route();
      }

      @Override
      public List<String> headers(String name) {
        return request.headers(name);
      }

      @Override
      public @Nullable String principal() {
        return null;
      }

      @Override
      public InputStream body() {
        return body;
      }

      @Override
      public Optional<byte[]> consumedBody() {
        return consumedBody;
      }
    };
  }

  @Test
  void aConsumedBodyIsFingerprintedByWhatTheAdapterRecovers() {
    AtomicReference<byte[]> seen = new AtomicReference<>();
    Decision first =
        http.handle(
            consumed("a=1"),
            body -> {
              seen.set(body);
              return created(body);
            });
    assertThat(first).isInstanceOf(Decision.Executed.class);
    assertThat(seen.get()).isEqualTo("a=1".getBytes(StandardCharsets.UTF_8));
    Decision changed = http.handle(consumed("a=2"), this::created);
    assertThat(((Decision.Rejected) changed).response().status()).isEqualTo(422);
    assertThat(http.handle(consumed("a=1"), this::created)).isInstanceOf(Decision.Replayed.class);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aDeclaredLengthReservesNothingBeforeTheBytesArrive() {
    // A 4 GiB limit: the declared length sized the buffer (cast to int, negative above 2 GiB).
    RoutePolicy huge = RoutePolicy.ofDefaults().withMaxBodyBytes(4L << 30);
    for (String declared : List.of("3000000000", "500000000")) {
      AtomicInteger largestRead = new AtomicInteger();
      Request request = declaring(declared, "hello");
      InputStream watchedBody =
          new java.io.FilterInputStream(request.body()) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
              // The room offered is the buffer allocated for the body so far.
              largestRead.accumulateAndGet(len, Math::max);
              return super.read(b, off, len);
            }
          };
      HttpRequestView watched = view(request, watchedBody, Optional.empty());
      Decision decision = http.handle(watched, huge, this::created);
      assertThat(((Decision.Rejected) decision).response().status()).as(declared).isEqualTo(500);
      assertThat(largestRead.get()).as(declared).isLessThanOrEqualTo(8192);
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void bodiesAreReadWholeAcrossTheBuffersGrowth() {
    for (int size : List.of(0, 1, 8191, 8192, 8193, 70_000)) {
      byte[] bytes = new byte[size];
      java.util.Arrays.fill(bytes, (byte) 'b');
      String body = new String(bytes, StandardCharsets.US_ASCII);
      for (String declared : List.of(Integer.toString(size), "x")) {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        RoutePolicy policy = RoutePolicy.ofDefaults().withMaxBodyBytes(70_000);
        Request request =
            new Request(
                "POST",
                "/payments",
                Map.of(
                    "idempotency-key", List.of(KEY + "-" + size + declared),
                    "content-length", List.of(declared)),
                bytes);
        Decision decision =
            http.handle(
                request,
                policy,
                b -> {
                  seen.set(b);
                  return created(b);
                });
        assertThat(decision).as(size + "/" + declared).isInstanceOf(Decision.Executed.class);
        assertThat(seen.get()).as(size + "/" + declared).isEqualTo(bytes);
      }
      Decision over =
          http.handle(
              declaring("x", body + "!"),
              RoutePolicy.ofDefaults().withMaxBodyBytes(size),
              this::created);
      assertThat(((Decision.Rejected) over).response().status()).as(size + "+1").isEqualTo(413);
    }
  }

  @Test
  void aBodyBeyondTheLimitIs413EvenWhenContentLengthUnderstatesIt() {
    for (String declared : List.of("3", "4", "6", "x")) {
      Decision decision =
          http.handle(
              declaring(declared, "hello!"),
              RoutePolicy.ofDefaults().withMaxBodyBytes(5),
              this::created);
      assertThat(decision).as(declared).isInstanceOf(Decision.Rejected.class);
      assertThat(((Decision.Rejected) decision).response().status()).as(declared).isEqualTo(413);
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void tooLargeResponseIsSentButAProblemIsStored() {
    RoutePolicy small = RoutePolicy.ofDefaults().withMaxBodyBytes(4);
    Decision first = http.handle(Request.post("a", KEY), small, b -> created(new byte[10]));
    assertThat(((Decision.Executed) first).response().body()).hasSize(10);
    assertThat(((Decision.Executed) first).storage()).isEqualTo(Outcome.Storage.STORED);
    ResponseSnapshot replay =
        ((Decision.Replayed) http.handle(Request.post("a", KEY), small, b -> created(b)))
            .response();
    assertThat(replay.status()).isEqualTo(500);
    assertThat(new String(replay.body(), StandardCharsets.UTF_8))
        .contains("response-too-large")
        .contains("status 201");
    assertThat(runs).hasValue(1);
  }

  /**
   * An in-memory store that refuses results over {@code limit} bytes, as the JDBC store does, and
   * reports that limit only if {@code reports}.
   */
  private static IdempotencyStore limitedTo(
      long limit, boolean reports, IdempotencyStore delegate) {
    return new IdempotencyStore() {
      @Override
      public long maxResultBytes() {
        return reports ? limit : Long.MAX_VALUE;
      }

      @Override
      public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
        return delegate.acquire(key, fingerprint, lease);
      }

      @Override
      public WriteResult complete(
          StoreKey key, LeaseToken token, byte[] result, Duration retention) {
        if (result.length > limit) {
          throw new ResultTooLargeException("limited", result.length, limit);
        }
        return delegate.complete(key, token, result, retention);
      }

      @Override
      public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
        return delegate.renew(key, token, lease);
      }

      @Override
      public WriteResult release(StoreKey key, LeaseToken token) {
        return delegate.release(key, token);
      }

      @Override
      public boolean purge(StoreKey key) {
        return delegate.purge(key);
      }

      @Override
      public Optional<IdempotencyRecord> find(StoreKey key) {
        return delegate.find(key);
      }
    };
  }

  /** Under the route's body limit, over the store's limit once headers and framing are counted. */
  private static final int STORE_LIMIT = 8192;

  private void assertProblemStoredAndKeyKept(HttpIdempotency protocol) {
    byte[] large = new byte[STORE_LIMIT - 16];
    Decision first = protocol.handle(Request.post("a", KEY), b -> created(large));
    Decision.Executed executed = (Decision.Executed) first;
    assertThat(executed.response().status()).isEqualTo(201);
    assertThat(executed.response().body()).isEqualTo(large);
    assertThat(executed.storage()).isEqualTo(Outcome.Storage.STORED);
    Decision second = protocol.handle(Request.post("a", KEY), b -> created(large));
    ResponseSnapshot replay = ((Decision.Replayed) second).response();
    assertThat(replay.status()).isEqualTo(500);
    assertThat(new String(replay.body(), StandardCharsets.UTF_8))
        .contains("response-too-large")
        .contains("status 201");
    assertThat(runs).hasValue(1);
  }

  @Test
  void aResponseOverTheStoresLimitButUnderTheRoutesKeepsTheKeyWhenTheLimitIsKnown() {
    try (Idempotency limited =
        Idempotency.builder()
            .store(limitedTo(STORE_LIMIT, false, InMemoryIdempotencyStore.ofDefaults()))
            .build()) {
      assertProblemStoredAndKeyKept(
          HttpIdempotency.builder().idempotency(limited).maxStoredBytes(STORE_LIMIT).build());
    }
  }

  @Test
  void theStoresReportedLimitIsTheDefault() {
    AtomicInteger refused = new AtomicInteger();
    IdempotencyStore reporting =
        limitedTo(STORE_LIMIT, true, InMemoryIdempotencyStore.ofDefaults());
    try (Idempotency limited =
        Idempotency.builder()
            .store(reporting)
            .observer(
                new dev.idem.IdempotencyObserver() {
                  @Override
                  public void onResultTooLarge(long size, long limit) {
                    refused.incrementAndGet();
                  }
                })
            .build()) {
      HttpIdempotency protocol = HttpIdempotency.builder().idempotency(limited).build();
      assertThat(protocol.maxStoredBytes()).isEqualTo(STORE_LIMIT);
      assertProblemStoredAndKeyKept(protocol);
      // Decided before completing: the store never had to refuse, so the key was never released.
      assertThat(refused).hasValue(0);
    }
  }

  @Test
  void aResponseTheStoreRefusesKeepsTheKeyEvenWhenTheLimitIsUnknown() {
    try (Idempotency limited =
        Idempotency.builder()
            .store(limitedTo(STORE_LIMIT, false, InMemoryIdempotencyStore.ofDefaults()))
            .build()) {
      assertProblemStoredAndKeyKept(HttpIdempotency.builder().idempotency(limited).build());
    }
  }

  @Test
  void maxStoredBytesLeavesRoomForTheProblem() {
    assertThatThrownBy(
            () -> HttpIdempotency.builder().idempotency(engine).maxStoredBytes(100).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxStoredBytes must be at least 4096");
  }

  @Test
  void unreadableStoredResponseIsAProblemNotAnException() {
    Fingerprint fingerprint =
        Fingerprinter.ofDefaults()
            .fingerprint("POST", "/payments", Map.of(), "a".getBytes(StandardCharsets.UTF_8));
    // A record written by something else: plain bytes, not the snapshot format.
    engine.execute(
        new dev.idem.Invocation(ScopeResolver.ANONYMOUS, KEY, fingerprint, null, null, null),
        dev.idem.ResultCodec.utf8(),
        ctx -> "not a snapshot");
    Decision decision = http.handle(Request.post("a", KEY), this::created);
    ResponseSnapshot response = ((Decision.Replayed) decision).response();
    assertThat(response.status()).isEqualTo(500);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("stored-response-unreadable");
    assertThat(runs).hasValue(0);
  }

  @Test
  void storeUnavailableIs503WithTheStoresRetryAfter() {
    IdempotencyStore down =
        new IdempotencyStore() {
          @Override
          public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
            throw new StoreUnavailableException("down", Duration.ofSeconds(7), null);
          }

          @Override
          public WriteResult complete(
              StoreKey key, LeaseToken token, byte[] result, Duration retention) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public WriteResult release(StoreKey key, LeaseToken token) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public boolean purge(StoreKey key) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public Optional<IdempotencyRecord> find(StoreKey key) {
            throw new StoreUnavailableException("down", null);
          }
        };
    try (Idempotency failing = Idempotency.builder().store(down).build()) {
      HttpIdempotency protocol = HttpIdempotency.builder().idempotency(failing).build();
      Decision decision = protocol.handle(Request.post("a", KEY), this::created);
      ResponseSnapshot response = ((Decision.Rejected) decision).response();
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("Retry-After")).contains("7");
      assertThat(runs).hasValue(0);
    }
  }

  @Test
  void builderListsEveryProblemAndRefusesSecondSettings() {
    assertThatThrownBy(
            () ->
                HttpIdempotency.builder()
                    .fingerprinter(Fingerprinter.builder().maxBodyBytes(10).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 problems")
        .hasMessageContaining("idempotency is required")
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(
            () ->
                HttpIdempotency.builder().profile(HttpProfile.ietf()).profile(HttpProfile.stripe()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("profile");
  }

  @Test
  void scopeResolvers() {
    Request tenant = new Request("POST", "/p", Map.of("x-tenant-id", List.of("acme")), new byte[0]);
    assertThat(ScopeResolver.header("X-Tenant-Id").resolve(tenant)).contains("tenant:acme");
    Request none = new Request("POST", "/p", Map.of(), new byte[0]);
    assertThat(ScopeResolver.header("X-Tenant-Id").resolve(none)).isEmpty();
    Request bad = new Request("POST", "/p", Map.of("x-tenant-id", List.of("a b")), new byte[0]);
    assertThat(ScopeResolver.header("X-Tenant-Id").resolve(bad)).isEmpty();
    Request two = new Request("POST", "/p", Map.of("x-tenant-id", List.of("a", "b")), new byte[0]);
    assertThat(ScopeResolver.header("X-Tenant-Id").resolve(two)).isEmpty();
    assertThat(ScopeResolver.principal().resolve(none)).contains(ScopeResolver.ANONYMOUS);
    assertThat(ScopeResolver.constant("svc").resolve(none)).contains("svc");
  }
}
