package dev.idem.conformance;

import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import dev.idem.spi.ConfigProblems;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the idempotency scenarios of Idem's HTTP semantics against one endpoint, black-box, and
 * reports a verdict per check.
 *
 * <pre>{@code
 * ConformanceReport report =
 *     ConformanceChecker.builder()
 *         .target(URI.create("http://localhost:8080/api/demo/orders"))
 *         .retention(Duration.ofSeconds(5)) // enables the after-expiry check
 *         .build()
 *         .run();
 * System.out.print(report.toText());
 * }</pre>
 *
 * <p>Every check uses fresh random keys, so checks never interfere with each other or with earlier
 * runs, and a run may be repeated against the same server. Requests go out as HTTP/1.1 so that
 * header-name casing reaches the server as sent. The checks and what each asserts are listed in
 * {@link #checkNames()} order in the module's README; in short: missing key, malformed keys (empty,
 * over 255 characters, a comma, a space, non-ASCII, two fields), first request, replay, header-name
 * casing, quoted sf-string key, mismatch, concurrent duplicates, GET pass-through, and after expiry
 * when a retention is configured.
 *
 * <p>A checker is immutable and thread-safe; each {@link #run()} is independent. The checks of one
 * run execute one after another (the concurrency check fires its own burst).
 */
public final class ConformanceChecker {
  /** The body sent when none is configured: fits the {@code idem serve} demo orders endpoint. */
  public static final String DEFAULT_BODY = "{\"item\":\"idem-check\",\"amount\":1}";

  /** How many simultaneous duplicates the concurrency check sends by default. */
  public static final int DEFAULT_CONCURRENCY = 8;

  /** The most simultaneous duplicates the concurrency check will send. */
  public static final int MAX_CONCURRENCY = 256;

  /** How long one request may take by default before the check that sent it fails. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  static final String KEY_HEADER = "Idempotency-Key";
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "idempotency-key");

  private final URI target;
  private final String body;
  private final String mismatchBody;
  private final List<Exchange.Header> headers;
  private final String method;
  private final int concurrency;
  private final @Nullable Duration retention;
  private final Profile profile;
  private final Duration requestTimeout;
  private final CheckListener listener;
  private final KeyGenerator keys = KeyGenerator.of(KeyFormat.BASE64URL);

  private ConformanceChecker(Builder builder, String mismatchBody) {
    this.target = Objects.requireNonNull(builder.target);
    this.body = builder.body;
    this.mismatchBody = mismatchBody;
    this.headers = List.copyOf(builder.headers);
    this.method = builder.method;
    this.concurrency = builder.concurrency;
    this.retention = builder.retention;
    this.profile = builder.profile;
    this.requestTimeout = builder.requestTimeout;
    this.listener = builder.listener;
  }

  /** A builder; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  /** The URI the checks are sent to. */
  public URI target() {
    return target;
  }

  /** The body the mismatch check sends as "the same key with a different body". */
  public String mismatchBody() {
    return mismatchBody;
  }

  /** The names of the checks {@link #run()} performs, in order. */
  public List<String> checkNames() {
    return checks().stream().map(Check::name).toList();
  }

  /**
   * Runs every enabled check, one after another, and reports. A check that sees an I/O error
   * (timeout, reset) fails with that error as its reason; only a target that cannot be reached at
   * all ends the run.
   *
   * @throws TargetUnreachableException if not a single request reached the target
   */
  public ConformanceReport run() {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    try {
      Run run = new Run(client);
      List<CheckResult> results = new ArrayList<>();
      for (Check check : checks()) {
        listener.started(check.name(), check.description());
        CheckResult result = run.perform(check);
        results.add(result);
        listener.finished(result);
      }
      return new ConformanceReport(target, profile, results);
    } finally {
      close(client);
    }
  }

  /**
   * Stops the client's selector thread now rather than when the client is collected: a server that
   * runs checks on demand (the web tool) would otherwise gather one idle thread per run. {@code
   * HttpClient} is {@link AutoCloseable} from JDK 21; on 17 it has no close and is left to the
   * garbage collector.
   */
  private static void close(HttpClient client) {
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Every request of the run has ended; a failure to shut down loses nothing the report
        // holds.
      }
    }
  }

  private List<Check> checks() {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "missing-key",
            method + " without an Idempotency-Key is refused with 400 problem+json",
            this::missingKey));
    checks.add(
        malformed(
            "malformed-key-empty", "an empty key", List.of(new Exchange.Header(KEY_HEADER, ""))));
    checks.add(malformed("malformed-key-too-long", "a 256-character key", null));
    checks.add(malformed("malformed-key-comma", "a key with a comma in it", null));
    checks.add(malformed("malformed-key-space", "a key with a space in it", null));
    checks.add(malformed("malformed-key-non-ascii", "a key with a non-ASCII character", null));
    checks.add(malformed("malformed-key-two-fields", "two Idempotency-Key fields", null));
    checks.add(
        new Check(
            "first-request",
            "a fresh key runs the operation: 2xx without Idempotent-Replayed",
            this::firstRequest));
    checks.add(
        new Check(
            "replay",
            "retries after completion replay status, body, Location and Content-Type with"
                + " Idempotent-Replayed: true",
            this::replay));
    checks.add(
        new Check(
            "header-name-lowercase",
            "the key sent as idempotency-key is the same key (names are case-insensitive)",
            p -> headerCase(p, "idempotency-key")));
    checks.add(
        new Check(
            "header-name-uppercase",
            "the key sent as IDEMPOTENCY-KEY is the same key (names are case-insensitive)",
            p -> headerCase(p, "IDEMPOTENCY-KEY")));
    checks.add(
        new Check(
            "quoted-key",
            "a key sent as a quoted sf-string means the same as the bare key",
            this::quotedKey));
    checks.add(
        new Check(
            "mismatch",
            "the same key with a different body is refused with "
                + profile.mismatchStatus()
                + " problem+json and the first result survives",
            this::mismatch));
    checks.add(
        new Check(
            "concurrent-duplicates",
            concurrency
                + " simultaneous duplicates execute at most once: one distinct success body, the"
                + " rest replays or 409 with Retry-After",
            this::concurrentDuplicates));
    checks.add(
        new Check(
            "get-pass-through",
            "GET passes through untouched and does not consume the key",
            this::getPassThrough));
    if (retention != null) {
      checks.add(
          new Check(
              "after-expiry",
              "after the retention (" + retention + ") the same key runs the operation anew",
              this::afterExpiry));
    }
    return checks;
  }

  // ---- the checks ----------------------------------------------------------------------------

  private void missingKey(Probe p) {
    Exchange.Response r = p.send(method, List.of(), body);
    p.expect(r.status() == 400, "expected 400 for a request without a key, got " + r.status());
    p.expect(r.problem(), "the 400 is not application/problem+json");
  }

  private Check malformed(String name, String what, @Nullable List<Exchange.Header> fixed) {
    return new Check(
        name,
        what + ": refused with 400 problem+json, nothing stored",
        p -> {
          String a = keys.next();
          String b = keys.next();
          List<Exchange.Header> sent;
          List<String> lookalikes;
          switch (name) {
            case "malformed-key-too-long" -> {
              String longKey = (a + b + keys.next()).repeat(5).substring(0, 256);
              sent = key(longKey);
              lookalikes = List.of(longKey.substring(0, 255));
            }
            case "malformed-key-comma" -> {
              sent = key(a + "," + b);
              lookalikes = List.of(a, b);
            }
            case "malformed-key-space" -> {
              sent = key(a + " " + b);
              lookalikes = List.of(a, b);
            }
            case "malformed-key-non-ascii" -> {
              sent = key(a + "\u00e9" + b);
              lookalikes = List.of(a, a + b);
            }
            case "malformed-key-two-fields" -> {
              sent =
                  List.of(new Exchange.Header(KEY_HEADER, a), new Exchange.Header(KEY_HEADER, b));
              lookalikes = List.of(a, b);
            }
            default -> {
              sent = Objects.requireNonNull(fixed);
              lookalikes = List.of();
            }
          }
          // The JDK client sends non-ASCII as '?', which would test the wrong thing.
          boolean raw = name.equals("malformed-key-non-ascii");
          Exchange.Response r = raw ? p.sendRaw(method, sent, body) : p.send(method, sent, body);
          p.expect(r.status() == 400, "expected 400 for " + what + ", got " + r.status());
          p.expect(r.problem(), "the 400 is not application/problem+json");
          // Nothing stored, seen from outside: the same request is refused again rather than
          // replayed or reported in progress, and no well-formed key the server could have
          // derived from the malformed one (truncated, split at the comma or space, stripped,
          // either field) was claimed: each still runs as a first request.
          Exchange.Response again =
              raw ? p.sendRaw(method, sent, body) : p.send(method, sent, body);
          p.expect(
              again.status() == 400 && !again.replayed(),
              "the malformed key was remembered: the same request answered "
                  + again.status()
                  + (again.replayed() ? " as a replay" : "")
                  + " the second time instead of 400");
          for (String lookalike : lookalikes) {
            Exchange.Response probe = p.send(method, key(lookalike), body);
            expectFirst(
                p,
                probe,
                "the well-formed key " + lookalike + " that " + what + " could be read as");
          }
        });
  }

  private void firstRequest(Probe p) {
    expectFirst(p, p.send(method, key(keys.next()), body), "a fresh key");
  }

  private void replay(Probe p) {
    List<Exchange.Header> key = key(keys.next());
    Exchange.Response first = p.send(method, key, body);
    expectFirst(p, first, "a fresh key");
    for (int retry = 1; retry <= 2; retry++) {
      expectReplay(p, first, p.send(method, key, body), "retry " + retry);
    }
  }

  private void headerCase(Probe p, String headerName) {
    String key = keys.next();
    Exchange.Response first = p.send(method, List.of(new Exchange.Header(headerName, key)), body);
    expectFirst(p, first, "a fresh key sent as " + headerName);
    expectReplay(
        p,
        first,
        p.send(method, key(key), body),
        "the retry sent as " + KEY_HEADER + " after the first as " + headerName);
  }

  private void quotedKey(Probe p) {
    String key = keys.next();
    Exchange.Response first = p.send(method, key('"' + key + '"'), body);
    expectFirst(p, first, "a fresh key sent as a quoted sf-string");
    expectReplay(
        p,
        first,
        p.send(method, key(key), body),
        "the retry with the bare key after the quoted one");
  }

  private void mismatch(Probe p) {
    List<Exchange.Header> key = key(keys.next());
    Exchange.Response first = p.send(method, key, body);
    expectFirst(p, first, "a fresh key");
    Exchange.Response other = p.send(method, key, mismatchBody);
    p.expect(
        other.status() == profile.mismatchStatus(),
        "expected "
            + profile.mismatchStatus()
            + " (profile "
            + profile.id()
            + ") for the same key with a different body, got "
            + other.status()
            + (other.replayed() ? " replaying the first result" : ""));
    p.expect(
        other.problem(), "the " + profile.mismatchStatus() + " is not application/problem+json");
    expectReplay(
        p, first, p.send(method, key, body), "the retry with the original body after the mismatch");
  }

  private void concurrentDuplicates(Probe p) {
    List<Exchange.Header> key = key(keys.next());
    List<Exchange.Response> responses = p.sendTogether(concurrency, method, key, body);
    List<Exchange.Response> successes = new ArrayList<>();
    int executions = 0;
    for (Exchange.Response r : responses) {
      if (r.successful()) {
        successes.add(r);
        if (!r.replayed()) {
          executions++;
        }
      } else if (r.status() == 409) {
        p.expect(r.header("Retry-After").isPresent(), "a 409 has no Retry-After header");
        p.expect(r.problem(), "a 409 is not application/problem+json");
      } else {
        p.fail("a duplicate was answered " + r.status() + "; expected 2xx, a replay or 409");
      }
    }
    p.expect(!successes.isEmpty(), "none of the " + concurrency + " duplicates succeeded");
    Set<String> bodies = new LinkedHashSet<>();
    successes.forEach(r -> bodies.add(r.body()));
    p.expect(
        bodies.size() == 1,
        bodies.size()
            + " different success bodies came back for one key: the operation ran more than once");
    p.expect(
        executions <= 1,
        executions + " successes came back without Idempotent-Replayed: true; at most one may");
    expectReplay(
        p, successes.get(0), p.send(method, key, body), "the retry after the burst settled");
  }

  private void getPassThrough(Probe p) {
    String key = keys.next();
    for (int i = 1; i <= 2; i++) {
      Exchange.Response get = p.send("GET", key(key), "");
      p.expect(
          !get.replayed() && get.status() != 409 && get.status() != 422,
          "GET "
              + i
              + " with a key was handled as idempotent: "
              + get.status()
              + (get.replayed() ? " with Idempotent-Replayed: true" : ""));
    }
    expectFirst(
        p,
        p.send(method, key(key), body),
        "the " + method + " with the key two GETs carried (a GET must not consume it)");
  }

  private void afterExpiry(Probe p) {
    Duration retention = Objects.requireNonNull(this.retention);
    List<Exchange.Header> key = key(keys.next());
    expectFirst(p, p.send(method, key, body), "a fresh key");
    Duration grace = retention.dividedBy(10);
    if (grace.compareTo(Duration.ofSeconds(1)) < 0) {
      grace = Duration.ofSeconds(1);
    }
    try {
      Thread.sleep(retention.plus(grace).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.fail("interrupted while waiting out the retention");
    }
    expectFirst(
        p,
        p.send(method, key, body),
        "the same key after its retention (" + retention + " + " + grace + ") ended");
  }

  private static void expectFirst(Probe p, Exchange.Response r, String what) {
    p.expect(r.successful(), "expected 2xx for " + what + " (a first request), got " + r.status());
    p.expect(
        !r.replayed(),
        what + " was answered as a replay (Idempotent-Replayed: true) instead of running");
  }

  private static void expectReplay(
      Probe p, Exchange.Response first, Exchange.Response retry, String what) {
    p.expect(
        retry.status() == first.status(),
        what + ": expected the stored status " + first.status() + ", got " + retry.status());
    p.expect(
        retry.body().equals(first.body()),
        what + ": the body differs from the stored one (the operation ran again?)");
    p.expect(retry.replayed(), what + ": Idempotent-Replayed: true is missing");
    for (String name : List.of("Location", "Content-Type")) {
      first
          .header(name)
          .ifPresent(
              value ->
                  p.expect(
                      retry.header(name).filter(value::equals).isPresent(),
                      what
                          + ": "
                          + name
                          + " was "
                          + retry.header(name).orElse("absent")
                          + ", stored "
                          + value));
    }
  }

  private static List<Exchange.Header> key(String value) {
    return List.of(new Exchange.Header(KEY_HEADER, value));
  }

  // ---- running ---------------------------------------------------------------------------------

  private interface Scenario {
    void run(Probe probe);
  }

  private record Check(String name, String description, Scenario scenario) {}

  /** Ends a check early; carries no stack trace because it is an expected outcome. */
  private static final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(String reason) {
      super(reason, null, false, false);
    }
  }

  /** State of one run: the client, and whether the target has answered anything yet. */
  private final class Run {
    private final HttpClient client;
    private volatile boolean reached;

    Run(HttpClient client) {
      this.client = client;
    }

    CheckResult perform(Check check) {
      Probe probe = new Probe(this);
      long start = System.nanoTime();
      String reason = null;
      try {
        check.scenario().run(probe);
      } catch (CheckFailed failed) {
        reason = failed.getMessage();
      }
      return new CheckResult(
          check.name(),
          check.description(),
          reason == null,
          probe.exchanges(),
          reason,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** Sends a check's requests and records them. Thread-safe for the concurrency burst. */
  private final class Probe {
    private final Run run;
    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());

    Probe(Run run) {
      this.run = run;
    }

    List<Exchange> exchanges() {
      synchronized (exchanges) {
        return List.copyOf(exchanges);
      }
    }

    void expect(boolean condition, String reason) {
      if (!condition) {
        fail(reason);
      }
    }

    void fail(String reason) {
      throw new CheckFailed(reason);
    }

    Exchange.Response send(String method, List<Exchange.Header> keyHeaders, String body) {
      Exchange.Request request = request(method, keyHeaders, body);
      try {
        return exchange(request);
      } catch (IOException e) {
        throw new CheckFailed("no response to " + method + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CheckFailed("interrupted");
      }
    }

    /** Sends one request over a bare socket, header values as UTF-8 bytes; see RawHttp. */
    Exchange.Response sendRaw(String method, List<Exchange.Header> keyHeaders, String body) {
      Exchange.Request request = request(method, keyHeaders, body);
      try {
        Exchange.Response received = RawHttp.send(request, requestTimeout);
        exchanges.add(new Exchange(request, received, null));
        run.reached = true;
        return received;
      } catch (IOException e) {
        exchanges.add(new Exchange(request, null, describe(e)));
        throw new CheckFailed("no response to " + method + ": " + describe(e));
      }
    }

    /** Sends {@code n} copies of one request released together, so they overlap at the server. */
    List<Exchange.Response> sendTogether(
        int n, String method, List<Exchange.Header> keyHeaders, String body) {
      ExecutorService pool = Executors.newFixedThreadPool(n);
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<Exchange.Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Exchange.Request request = request(method, keyHeaders, body);
          futures.add(
              pool.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    return exchange(request);
                  }));
        }
        ready.await();
        go.countDown();
        List<Exchange.Response> responses = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Future<Exchange.Response> future : futures) {
          try {
            responses.add(future.get());
          } catch (ExecutionException e) {
            errors.add(describe(e.getCause()));
          }
        }
        if (!errors.isEmpty()) {
          throw new CheckFailed(
              errors.size() + " of " + n + " duplicates got no response: " + errors.get(0));
        }
        return responses;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CheckFailed("interrupted");
      } finally {
        pool.shutdownNow();
        try {
          pool.awaitTermination(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private Exchange.Request request(String method, List<Exchange.Header> keyHeaders, String body) {
      List<Exchange.Header> all = new ArrayList<>(headers);
      if (!body.isEmpty()
          && headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Type"))) {
        all.add(new Exchange.Header("Content-Type", "application/json"));
      }
      all.addAll(keyHeaders);
      return new Exchange.Request(method, target, all, body);
    }

    private Exchange.Response exchange(Exchange.Request request)
        throws IOException, InterruptedException {
      HttpRequest.Builder http =
          HttpRequest.newBuilder(request.uri())
              .timeout(requestTimeout)
              .method(
                  request.method(),
                  request.body().isEmpty()
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(
                          request.body(), StandardCharsets.UTF_8));
      for (Exchange.Header header : request.headers()) {
        http.header(header.name(), header.value());
      }
      HttpResponse<String> response;
      try {
        response =
            run.client.send(
                http.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        exchanges.add(new Exchange(request, null, describe(e)));
        if (!run.reached
            && (e instanceof ConnectException || e instanceof HttpConnectTimeoutException)) {
          throw new TargetUnreachableException(target, e);
        }
        throw e;
      }
      run.reached = true;
      Map<String, List<String>> responseHeaders = new TreeMap<>();
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.startsWith(":")) {
                  responseHeaders.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
                }
              });
      Exchange.Response received =
          new Exchange.Response(response.statusCode(), responseHeaders, response.body());
      exchanges.add(new Exchange(request, received, null));
      return received;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  /**
   * Configures a {@link ConformanceChecker}. Not thread-safe; each option may be set once; {@link
   * #build()} reports every invalid option at once.
   */
  public static final class Builder {
    private @Nullable URI target;
    private String body = DEFAULT_BODY;
    private @Nullable String mismatchBody;
    private final List<Exchange.Header> headers = new ArrayList<>();
    private String method = "POST";
    private int concurrency = DEFAULT_CONCURRENCY;
    private @Nullable Duration retention;
    private Profile profile = Profile.IETF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private CheckListener listener = CheckListener.NONE;
    private final Set<String> alreadySet = new LinkedHashSet<>();

    private Builder() {}

    /**
     * The endpoint to check, an {@code http} or {@code https} URI, e.g. {@code
     * http://localhost:8080/api/demo/orders?delayMs=300}. Required. A slow endpoint makes the
     * concurrency check meaningful: duplicates then overlap the first execution.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder target(URI target) {
      once("target");
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * The request body every check sends; default {@value #DEFAULT_BODY}. Sent with {@code
     * Content-Type: application/json} unless {@link #headers} name another.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder body(String body) {
      once("body");
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * The different body the mismatch check sends with a used key. Default: derived from {@link
     * #body} (a JSON object's first top-level number plus one, else its first string with {@code
     * -mismatch} appended, else an added member {@code "idemCheckMismatch": true}); required when
     * the body is not a JSON object.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder mismatchBody(String mismatchBody) {
      once("mismatchBody");
      this.mismatchBody = Objects.requireNonNull(mismatchBody, "mismatchBody");
      return this;
    }

    /**
     * Extra headers every request carries (authentication, a tenant id), in iteration order. Must
     * not name {@code Idempotency-Key} or the headers the HTTP client owns ({@code Host}, {@code
     * Content-Length}, {@code Connection}, {@code Expect}, {@code Upgrade}).
     *
     * @throws NullPointerException if the map, a name or a value is null
     * @throws IllegalStateException if already set
     */
    public Builder headers(Map<String, String> headers) {
      once("headers");
      Objects.requireNonNull(headers, "headers");
      new LinkedHashMap<>(headers)
          .forEach(
              (name, value) ->
                  this.headers.add(
                      new Exchange.Header(
                          Objects.requireNonNull(name, "header name"),
                          Objects.requireNonNull(value, "header value"))));
      return this;
    }

    /**
     * The method the checks use for the idempotent request: {@code POST} (default) or {@code
     * PATCH}, any case.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder method(String method) {
      once("method");
      this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      return this;
    }

    /**
     * How many duplicates the concurrency check releases at once: 2 to {@value #MAX_CONCURRENCY},
     * default {@value #DEFAULT_CONCURRENCY}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder concurrency(int concurrency) {
      once("concurrency");
      this.concurrency = concurrency;
      return this;
    }

    /**
     * How long the target keeps a completed key. Setting it enables the after-expiry check, which
     * waits this long plus a tenth (at least one second) and expects the key to run anew. Unset by
     * default: the check is then not run (and not listed).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder retention(Duration retention) {
      once("retention");
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * The profile the target is held to; default {@link Profile#IETF}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder profile(Profile profile) {
      once("profile");
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * How long one request may take before its check fails; default 10 s. Also the connect timeout.
     * Must exceed the target's handler time for the concurrency check to see its answers.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder requestTimeout(Duration requestTimeout) {
      once("requestTimeout");
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Hears about checks as they start and finish; default none.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder listener(CheckListener listener) {
      once("listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the checker.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public ConformanceChecker build() {
      List<String> problems = new ArrayList<>();
      if (target == null) {
        problems.add("target is required: the http(s) URI of the endpoint to check");
      } else {
        String scheme = target.getScheme();
        if (scheme == null
            || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
          problems.add("target must be an http or https URI, was " + target);
        } else if (target.getHost() == null) {
          problems.add("target has no host: " + target);
        }
      }
      if (!method.equals("POST") && !method.equals("PATCH")) {
        problems.add("method must be POST or PATCH, was " + method);
      }
      if (concurrency < 2 || concurrency > MAX_CONCURRENCY) {
        problems.add("concurrency must be 2 to " + MAX_CONCURRENCY + ", was " + concurrency);
      }
      if (retention != null && (retention.isNegative() || retention.isZero())) {
        problems.add("retention must be positive, was " + retention);
      }
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        problems.add("requestTimeout must be positive, was " + requestTimeout);
      }
      Set<String> seen = new LinkedHashSet<>();
      for (Exchange.Header header : headers) {
        String lower = header.name().toLowerCase(Locale.ROOT);
        if (!isToken(header.name())) {
          problems.add("header name '" + header.name() + "' is not a valid HTTP field name");
        } else if (RESTRICTED_HEADERS.contains(lower)) {
          problems.add(
              "header "
                  + header.name()
                  + " cannot be set: "
                  + (lower.equals("idempotency-key")
                      ? "the checker sends its own fresh keys"
                      : "the HTTP client sets it"));
        } else if (!seen.add(lower)) {
          problems.add("header " + header.name() + " is given twice");
        }
        if (header.value().chars().anyMatch(c -> c == '\r' || c == '\n' || c > 0xFF)) {
          problems.add("header " + header.name() + " has a line break or non-Latin-1 character");
        }
      }
      String mismatch = mismatchBody;
      if (mismatch == null) {
        mismatch = MismatchBodies.derive(body).orElse(null);
        if (mismatch == null) {
          problems.add(
              "the body is not a JSON object, so no different body can be derived for the"
                  + " mismatch check: set mismatchBody");
        }
      } else if (mismatch.equals(body)) {
        problems.add("mismatchBody must differ from body");
      }
      ConfigProblems.throwIfAny("ConformanceChecker", problems);
      return new ConformanceChecker(this, Objects.requireNonNull(mismatch));
    }

    private static boolean isToken(String name) {
      if (name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok =
            (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }

    private void once(String option) {
      if (!alreadySet.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }
  }
}
