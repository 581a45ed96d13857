package dev.idem.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idem.KeyPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory implementation of Idem's HTTP semantics (DESIGN §3) on the JDK's HTTP server, shaped
 * like the {@code idem serve} demo API: {@code POST /api/demo/orders} takes {@code {"item",
 * "amount"}} and answers 201 with a fresh order and {@code Location}; {@code GET
 * /api/demo/orders/count} answers {@code {"count": N}}. With {@link Flaw}s it becomes one of the
 * broken implementations the checker must fail. Loopback only, ephemeral port.
 */
public final class ReferenceServer implements AutoCloseable {

  /** A way to get the semantics wrong. */
  public enum Flaw {
    /** Runs every request, keyed or not: no record is ever looked at. */
    NO_DEDUPLICATION,
    /** Replays the stored result for the same key whatever the body. */
    NO_FINGERPRINT_CHECK,
    /** Looks for a completed record, but claims nothing first: overlapping duplicates all run. */
    NO_IN_PROGRESS_HANDLING,
    /** Replays without {@code Idempotent-Replayed: true}. */
    NO_REPLAY_HEADER,
    /** Takes any key value, including empty, long, comma'd ones, and the first of two fields. */
    ACCEPTS_MALFORMED_KEYS,
    /** Runs a keyed route without a key (200 instead of 400). */
    MISSING_KEY_ALLOWED,
    /** Treats GET like POST: stores, replays and fingerprints it. */
    GET_CONSUMES_KEYS
  }

  static {
    // The JDK server writes headers and body separately; with Nagle on, each response waits for
    // the client's delayed ACK (40 ms on Linux). Read once, when the first server starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Set<Flaw> flaws;
  private final Duration handlerDelay;
  private final Duration retention;
  private final int mismatchStatus;
  private final Map<String, Entry> records = new ConcurrentHashMap<>();
  private final AtomicInteger executions = new AtomicInteger();
  private final List<String> keysSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ReferenceServer(Set<Flaw> flaws, Duration handlerDelay, Duration retention, int mismatch)
      throws IOException {
    this.flaws = flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(flaws);
    this.handlerDelay = handlerDelay;
    this.retention = retention;
    this.mismatchStatus = mismatch;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // The JDK server handles requests on one thread unless given an executor; duplicates must
    // overlap for the in-progress path to be exercised.
    this.executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/api/demo/orders", this::handle);
    server.start();
  }

  /** A correct server: 422 on mismatch, 24 h retention, no handler delay. */
  public static ReferenceServer correct() throws IOException {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The orders endpoint. */
  public URI ordersUri() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort()
            + "/api/demo/orders");
  }

  /** How many times the handler ran. */
  public int executions() {
    return executions.get();
  }

  /** Every Idempotency-Key field value received, as the server decoded it (ISO-8859-1). */
  public List<String> keysSeen() {
    return List.copyOf(keysSeen);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Options for a {@link ReferenceServer}. */
  public static final class Builder {
    private final Set<Flaw> flaws = EnumSet.noneOf(Flaw.class);
    private Duration handlerDelay = Duration.ZERO;
    private Duration retention = Duration.ofHours(24);
    private int mismatchStatus = 422;

    public Builder flaw(Flaw flaw) {
      flaws.add(Objects.requireNonNull(flaw));
      return this;
    }

    /** How long every execution takes, unless the request says {@code ?delayMs=N}. */
    public Builder handlerDelay(Duration handlerDelay) {
      this.handlerDelay = handlerDelay;
      return this;
    }

    public Builder retention(Duration retention) {
      this.retention = retention;
      return this;
    }

    /** 400 to behave like the stripe profile. */
    public Builder mismatchStatus(int mismatchStatus) {
      this.mismatchStatus = mismatchStatus;
      return this;
    }

    public ReferenceServer start() throws IOException {
      return new ReferenceServer(flaws, handlerDelay, retention, mismatchStatus);
    }
  }

  // ---- the semantics ---------------------------------------------------------------------------

  private record Reply(int status, Map<String, String> headers, String body) {}

  /** A record: in progress until {@code reply} is set; then completed until it expires. */
  private static final class Entry {
    final String fingerprint;
    volatile Reply reply;
    volatile long expiresAtNanos = Long.MAX_VALUE;

    Entry(String fingerprint) {
      this.fingerprint = fingerprint;
    }

    boolean expired() {
      return System.nanoTime() - expiresAtNanos > 0;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      boolean keyed =
          method.equals("POST")
              || method.equals("PATCH")
              || (method.equals("GET") && flaws.contains(Flaw.GET_CONSUMES_KEYS));
      if (!keyed) {
        respond(exchange, passThrough(method, path));
        return;
      }
      respond(exchange, idempotent(exchange, method, path, body));
    }
  }

  private Reply passThrough(String method, String path) {
    if (method.equals("GET") && path.equals("/api/demo/orders/count")) {
      return json(200, "{\"count\":" + executions.get() + "}");
    }
    if (method.equals("GET")) {
      return json(200, "{\"orders\":" + executions.get() + "}");
    }
    return problem(405, "method-not-allowed", "Method not allowed");
  }

  private Reply idempotent(HttpExchange exchange, String method, String path, String body) {
    List<String> fields = exchange.getRequestHeaders().get("Idempotency-Key");
    if (fields == null || fields.isEmpty()) {
      return flaws.contains(Flaw.MISSING_KEY_ALLOWED)
          ? new Reply(200, Map.of("Content-Type", "application/json"), "{\"ran\":true}")
          : problem(400, "key-missing", "Idempotency-Key is required");
    }
    keysSeen.addAll(fields);
    String key;
    if (flaws.contains(Flaw.ACCEPTS_MALFORMED_KEYS)) {
      String unquoted = unquote(fields.get(0).trim());
      key = unquoted == null ? fields.get(0) : unquoted;
    } else {
      if (fields.size() > 1) {
        return problem(400, "key-malformed", "Send one Idempotency-Key field");
      }
      key = unquote(fields.get(0).trim());
      if (key == null || !KeyPolicy.ietf().check(key).accepted()) {
        return problem(400, "key-malformed", "Idempotency-Key is malformed");
      }
    }
    if (flaws.contains(Flaw.NO_DEDUPLICATION)) {
      return execute(exchange, body);
    }
    String fingerprint = method + " " + path + "\n" + body;
    if (flaws.contains(Flaw.NO_IN_PROGRESS_HANDLING)) {
      Entry done = records.get(key);
      if (done != null && done.reply != null && !done.expired()) {
        return answerExisting(done, fingerprint);
      }
      Reply reply = execute(exchange, body);
      Entry entry = new Entry(fingerprint);
      complete(entry, reply);
      records.put(key, entry);
      return reply;
    }
    Entry mine = new Entry(fingerprint);
    while (true) {
      Entry prior = records.putIfAbsent(key, mine);
      if (prior == null) {
        break;
      }
      if (prior.reply != null && prior.expired()) {
        records.remove(key, prior);
        continue;
      }
      return answerExisting(prior, fingerprint);
    }
    Reply reply = execute(exchange, body);
    complete(mine, reply);
    return reply;
  }

  private void complete(Entry entry, Reply reply) {
    entry.expiresAtNanos = System.nanoTime() + retention.toNanos();
    entry.reply = reply;
  }

  private Reply answerExisting(Entry prior, String fingerprint) {
    if (!flaws.contains(Flaw.NO_FINGERPRINT_CHECK) && !prior.fingerprint.equals(fingerprint)) {
      return problem(mismatchStatus, "key-reused", "The key was used with a different request");
    }
    Reply stored = prior.reply;
    if (stored == null) {
      Reply busy = problem(409, "in-progress", "A request with this key is still running");
      return new Reply(
          busy.status(),
          Map.of("Content-Type", "application/problem+json", "Retry-After", "1"),
          busy.body());
    }
    if (flaws.contains(Flaw.NO_REPLAY_HEADER)) {
      return stored;
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>(stored.headers());
    headers.put("Idempotent-Replayed", "true");
    return new Reply(stored.status(), headers, stored.body());
  }

  private Reply execute(HttpExchange exchange, String body) {
    long delay = handlerDelay.toMillis();
    String query = exchange.getRequestURI().getQuery();
    if (query != null && query.startsWith("delayMs=")) {
      delay = Long.parseLong(query.substring("delayMs=".length()));
    }
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int id = executions.incrementAndGet();
    String order = "{\"id\":\"ord_" + id + "\",\"request\":" + quote(body) + "}";
    return new Reply(
        201,
        Map.of("Content-Type", "application/json", "Location", "/api/demo/orders/ord_" + id),
        order);
  }

  /** The key inside a quoted sf-string, the bare key as is, null for a broken quoted form. */
  private static String unquote(String value) {
    if (!value.startsWith("\"")) {
      return value;
    }
    if (value.length() < 2 || !value.endsWith("\"")) {
      return null;
    }
    StringBuilder key = new StringBuilder();
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 >= value.length() - 1) {
          return null;
        }
        char next = value.charAt(++i);
        if (next != '"' && next != '\\') {
          return null;
        }
        key.append(next);
      } else if (c == '"') {
        return null;
      } else {
        key.append(c);
      }
    }
    return key.toString();
  }

  private static Reply json(int status, String body) {
    return new Reply(status, Map.of("Content-Type", "application/json"), body);
  }

  private static Reply problem(int status, String type, String title) {
    return new Reply(
        status,
        Map.of("Content-Type", "application/problem+json"),
        "{\"type\":\"https://idem.dev/problems/"
            + type
            + "\",\"title\":"
            + quote(title)
            + ",\"status\":"
            + status
            + "}");
  }

  private static void respond(HttpExchange exchange, Reply reply) throws IOException {
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
