package dev.idem.http;

import dev.idem.BodyTooLargeException;
import dev.idem.ExecutionContext;
import dev.idem.Fingerprint;
import dev.idem.Fingerprinter;
import dev.idem.Idempotency;
import dev.idem.Invocation;
import dev.idem.KeyCheck;
import dev.idem.KeyRejectedException;
import dev.idem.MalformedBodyException;
import dev.idem.Outcome;
import dev.idem.http.internal.Exchange;
import dev.idem.http.internal.SnapshotCodec;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP idempotency protocol, independent of any server framework. An adapter hands each request
 * to {@link #handle} with a callback that runs the real handler, and writes out the {@link
 * Decision} it gets back.
 *
 * <pre>{@code
 * HttpIdempotency http = HttpIdempotency.builder()
 *     .idempotency(Idempotency.builder().store(store).build())
 *     .profile(HttpProfile.ietf())
 *     .scopeResolver(ScopeResolver.header("X-Tenant-Id"))
 *     .build();
 *
 * Decision decision = http.handle(request, policy, body -> runHandler(body));
 * }</pre>
 *
 * <h2>What happens to a request</h2>
 *
 * <ol>
 *   <li>A method the route does not protect, or a missing key on a route where it is optional:
 *       {@link Decision.PassThrough}; the body is not read.
 *   <li>Missing key (required), malformed or repeated {@code Idempotency-Key}, a key that breaks
 *       the engine's {@link dev.idem.KeyPolicy}, no scope, a body over the route's limit, a body
 *       the fingerprinter refuses: {@link Decision.Rejected} with a problem (400 or 413). Nothing
 *       is stored and the store is not called.
 *   <li>Otherwise the engine runs the handler at most once per (scope, key). The first request gets
 *       {@link Decision.Executed}; a retry gets {@link Decision.Replayed}; a duplicate of a running
 *       request 409 with {@code Retry-After} (or, with {@link RoutePolicy#maxWait()}, the replay
 *       once it completes); the key reused for a different method, route or body the profile's
 *       mismatch status; a store that cannot be reached 503 with {@code Retry-After}.
 * </ol>
 *
 * <h2>What is stored</h2>
 *
 * The handler's status, the headers on the {@link HeaderAllowList} and the body. Statuses in {@link
 * RoutePolicy#releasingStatuses()} release the key instead; on a {@link RoutePolicy#retryable()}
 * route so do 5xx answers. A handler that throws is answered with a 500 problem that is stored (its
 * side effects may have happened), or released on a retryable route. A response body over the
 * route's limit, or whose stored form is over the store's own limit ({@link
 * Idempotency#maxResultBytes()}, or {@link Builder#maxStoredBytes}), is sent in full to this
 * client, but a {@link ProblemType#RESPONSE_TOO_LARGE} problem is stored in its place: never a
 * truncated body, and the key is kept, because the work was done. A store that refuses a result
 * anyway (a limit it does not report) makes the engine release the key; the problem is then stored
 * under a new claim at once, so only a retry racing that moment can run the handler again.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpIdempotency {

  /** The request header carrying the key. */
  public static final String KEY_HEADER = "Idempotency-Key";

  /** The response header marking a replay. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /**
   * The smallest {@link Builder#maxStoredBytes} accepted: 4 KiB, room for the problem stored in
   * place of a response that is too large.
   */
  public static final long MIN_STORED_BYTES = 4096;

  private static final Duration IN_PROGRESS_RETRY_AFTER = Duration.ofSeconds(1);

  private final Idempotency idempotency;
  private final Fingerprinter fingerprinter;
  private final HttpProfile profile;
  private final ScopeResolver scopeResolver;
  private final RoutePolicy defaults;
  private final HeaderAllowList allowList;
  private final HttpObserver observer;
  private final long maxStoredBytes;

  private HttpIdempotency(Builder builder) {
    this.idempotency = Objects.requireNonNull(builder.idempotency);
    this.fingerprinter = builder.fingerprinter;
    this.profile = builder.profile;
    this.scopeResolver = builder.scopeResolver;
    this.defaults = builder.defaults;
    this.allowList = builder.allowList;
    this.observer = builder.observer;
    this.maxStoredBytes =
        builder.maxStoredBytes != null
            ? builder.maxStoredBytes
            : Math.max(MIN_STORED_BYTES, idempotency.maxResultBytes());
  }

  /** A builder; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the real handler for a protected request and returns its response. Called at most once per
   * {@link #handle} call, on the caller's thread.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param body the request body, already read; hand it to the handler in place of the stream
     * @return the handler's complete response
     * @throws Exception whatever the handler threw; answered with a 500 problem
     */
    ResponseSnapshot handle(byte[] body) throws Exception;
  }

  /**
   * Decides a request under the default route policy.
   *
   * @throws NullPointerException if an argument is null
   * @see #handle(HttpRequestView, RoutePolicy, Handler)
   */
  public Decision handle(HttpRequestView request, Handler handler) {
    return handle(request, defaults, handler);
  }

  /**
   * Decides a request under {@code policy}, running {@code handler} if it is to run protected.
   * Expected situations, including a store that is down, are decisions; nothing a client sends
   * makes this throw.
   *
   * @throws NullPointerException if an argument is null
   * @throws Error whatever {@link Error} the handler threw (the key is released)
   */
  public Decision handle(HttpRequestView request, RoutePolicy policy, Handler handler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(handler, "handler");
    String method = request.method();
    if (!policy.protects(method)) {
      return new Decision.PassThrough();
    }
    KeyHeader header = KeyHeader.parse(request.headers(KEY_HEADER));
    if (header instanceof KeyHeader.Absent) {
      return policy.keyRequired()
          ? reject(
              ProblemType.KEY_MISSING,
              "This endpoint requires an Idempotency-Key header on "
                  + method
                  + " requests. Generate a unique key (for example a UUID) for this operation,"
                  + " send it in the Idempotency-Key header, and reuse it when you retry.")
          : new Decision.PassThrough();
    }
    if (header instanceof KeyHeader.Malformed malformed) {
      return reject(ProblemType.KEY_MALFORMED, malformed.reason() + ".");
    }
    String key = ((KeyHeader.Present) header).key();
    KeyCheck check = idempotency.keyPolicy().check(key);
    if (check instanceof KeyCheck.Rejected rejected) {
      return rejectKey(rejected);
    }
    Optional<String> scope = scopeResolver.resolve(request);
    if (scope.isEmpty()) {
      return reject(
          ProblemType.SCOPE_MISSING,
          "The request does not say which tenant it belongs to, so its Idempotency-Key cannot be"
              + " scoped. Send it through the gateway that identifies the tenant.");
    }
    long declared = declaredLength(request);
    byte[] read;
    try {
      read = readBounded(request.body(), policy.maxBodyBytes(), declared);
    } catch (IOException e) {
      return reject(
          ProblemType.BODY_MALFORMED,
          "The request body could not be read completely. Send the request again with the same"
              + " Idempotency-Key.");
    }
    if (read == null) {
      return tooLarge(policy.maxBodyBytes());
    }
    // A stream that ends before its declared length was read by something before us (a filter
    // parsing a form): fingerprinting the rest would make every body look alike and replay the
    // first answer to a different request. Without a declared length an empty stream may be that.
    if (declared >= 0 ? read.length < declared : read.length == 0) {
      Optional<byte[]> standIn = request.consumedBody();
      if (standIn.isPresent()) {
        read = standIn.get();
        if (read.length > policy.maxBodyBytes()) {
          return tooLarge(policy.maxBodyBytes());
        }
      } else if (declared >= 0) {
        return reject(
            ProblemType.BODY_UNAVAILABLE,
            "The server read "
                + (declared - read.length)
                + " of this request's "
                + declared
                + " body bytes before checking its Idempotency-Key, so it cannot tell a retry from"
                + " a different request. It did not process the request. This is a server"
                + " configuration problem: the idempotency filter must run before anything that"
                + " reads the body.");
      }
    }
    byte[] body = read;
    Fingerprint fingerprint;
    try {
      fingerprint =
          fingerprinter.fingerprint(method, request.route(), fingerprintHeaders(request), body);
    } catch (BodyTooLargeException e) {
      return tooLarge(e.limit());
    } catch (MalformedBodyException e) {
      return reject(
          ProblemType.BODY_MALFORMED,
          "The request body is not valid JSON ("
              + e.problem()
              + " at byte "
              + e.offset()
              + "). Fix the body and send it with a new Idempotency-Key.");
    }
    Invocation invocation =
        new Invocation(
            scope.get(), key, fingerprint, policy.lease(), policy.retention(), policy.maxWait());
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Outcome<Exchange> outcome;
    try {
      outcome =
          idempotency.execute(
              invocation, Exchange.CODEC, ctx -> run(handler, body, policy, ctx, failure));
    } catch (StoreUnavailableException e) {
      observer.onRejected(ProblemType.STORE_UNAVAILABLE);
      return new Decision.Rejected(
          new Problem(
              ProblemType.STORE_UNAVAILABLE,
              ProblemType.STORE_UNAVAILABLE.defaultStatus(),
              "The server cannot record this request right now, so it did not process it. Retry"
                  + " with the same Idempotency-Key after the Retry-After delay.",
              e.retryAfter()));
    } catch (KeyRejectedException e) {
      // Checked above with the same policy; kept so that a policy change can never surface as 500.
      return rejectKey(e.rejection());
    }
    if (outcome instanceof Outcome.Executed<Exchange> executed) {
      Outcome.Storage storage = executed.storage();
      if (storage == Outcome.Storage.RESULT_TOO_LARGE) {
        storage = storeTooLargeProblem(invocation, executed.value().toClient());
      }
      return new Decision.Executed(executed.value().toClient(), storage, failure.get());
    }
    if (outcome instanceof Outcome.Replayed<Exchange> replayed) {
      return new Decision.Replayed(replayed.value().stored().withHeader(REPLAYED_HEADER, "true"));
    }
    if (outcome instanceof Outcome.InProgress<Exchange> inProgress) {
      observer.onRejected(ProblemType.REQUEST_IN_PROGRESS);
      return new Decision.Rejected(
          new Problem(
              ProblemType.REQUEST_IN_PROGRESS,
              ProblemType.REQUEST_IN_PROGRESS.defaultStatus(),
              "A request with this Idempotency-Key is still being processed. Retry with the same"
                  + " key after the Retry-After delay to receive its response.",
              inProgressRetryAfter(inProgress.retryAfter())));
    }
    observer.onRejected(ProblemType.KEY_REUSED);
    return new Decision.Rejected(
        new Problem(
            ProblemType.KEY_REUSED,
            profile.mismatchStatus(),
            "This Idempotency-Key was already used for a different request (method, path or"
                + " body). Use a new key for a new request, or resend the original request"
                + " unchanged to receive its response.",
            null));
  }

  private Exchange run(
      Handler handler,
      byte[] body,
      RoutePolicy policy,
      ExecutionContext context,
      AtomicReference<@Nullable Throwable> failure) {
    ResponseSnapshot response;
    try {
      response = Objects.requireNonNull(handler.handle(body), "the handler returned null");
    } catch (Exception e) {
      // An exception is an answer too: the handler may have charged the card before failing, so
      // unless the route says the failure is retryable the 500 is stored like any other answer.
      failure.set(e);
      if (policy.retryable()) {
        context.releaseKey();
      }
      observer.onHandlerFailed(policy.retryable());
      ResponseSnapshot problem =
          Problem.of(
                  ProblemType.HANDLER_FAILED,
                  policy.retryable()
                      ? "The server failed while processing this request. It is safe to retry"
                          + " with the same Idempotency-Key."
                      : "The server failed while processing this request; it may have taken"
                          + " partial effect. Retrying with the same Idempotency-Key returns this"
                          + " answer again: check the state of the resource before sending a new"
                          + " request with a new key.")
              .toResponse();
      return new Exchange(problem, problem);
    }
    if (policy.releases(response.status())) {
      context.releaseKey();
      return new Exchange(response, response);
    }
    ResponseSnapshot stored = allowList.filter(response);
    // The store counts headers and framing too: a body just under the route's limit can still be
    // over the store's, and a store that refuses the result makes the engine release the key.
    if (stored.bodyLength() > policy.maxBodyBytes()
        || SnapshotCodec.encodedLength(stored) > maxStoredBytes) {
      observer.onResponseTooLarge(stored.bodyLength());
      stored = responseTooLarge(response);
    }
    return new Exchange(response, stored);
  }

  /**
   * How long a client should wait before retrying a request still running: a second at most. The
   * store's answer is the claim's remaining lease, which the heartbeat keeps renewing while the
   * handler runs; it says when the claim could be taken over, not when the response will be ready,
   * and a client honouring a 40-60 s delay would wait that long for a 3 s request.
   */
  static Duration inProgressRetryAfter(Duration remainingLease) {
    return remainingLease.compareTo(IN_PROGRESS_RETRY_AFTER) < 0
        ? remainingLease
        : IN_PROGRESS_RETRY_AFTER;
  }

  /** The small problem stored in place of a response too large to keep for replay. */
  private static ResponseSnapshot responseTooLarge(ResponseSnapshot response) {
    ResponseSnapshot problem =
        Problem.of(
                ProblemType.RESPONSE_TOO_LARGE,
                "The original request was processed (status "
                    + response.status()
                    + "), but its response was too large to keep for replay. Do not send it"
                    + " again with a new key: read the resource it created or changed instead.")
            .toResponse();
    Optional<String> location = response.header("Location");
    if (location.isPresent()) {
      problem = problem.withHeader("Location", location.get());
    }
    return problem;
  }

  /**
   * The store refused the response as too large and the engine released the key (it cannot know
   * this layer has a small stand-in). Claims the key again and stores the problem without running
   * the handler, so a retry gets the problem instead of running the work twice. A retry that
   * claimed the key in between wins; its own answer stands.
   */
  private Outcome.Storage storeTooLargeProblem(Invocation invocation, ResponseSnapshot response) {
    observer.onResponseTooLarge(response.bodyLength());
    ResponseSnapshot problem = responseTooLarge(response);
    try {
      Outcome<Exchange> again =
          idempotency.execute(
              invocation.withMaxWait(Duration.ZERO),
              Exchange.CODEC,
              ctx -> new Exchange(problem, problem));
      return again instanceof Outcome.Executed<Exchange> stored
          ? stored.storage()
          : Outcome.Storage.RESULT_TOO_LARGE;
    } catch (StoreUnavailableException | KeyRejectedException e) {
      // The response was produced and is sent; the store's trouble is reported as not stored.
      return Outcome.Storage.RESULT_TOO_LARGE;
    }
  }

  private Decision reject(ProblemType type, String detail) {
    observer.onRejected(type);
    return new Decision.Rejected(Problem.of(type, detail));
  }

  private Decision rejectKey(KeyCheck.Rejected rejected) {
    return reject(
        ProblemType.KEY_MALFORMED,
        "The Idempotency-Key breaks the rule "
            + rejected.rule()
            + " of the '"
            + rejected.policy()
            + "' key policy: "
            + rejected.detail()
            + " Send a valid key.");
  }

  private Decision tooLarge(long limit) {
    return reject(
        ProblemType.BODY_TOO_LARGE,
        "The request body is larger than "
            + limit
            + " bytes, the most this endpoint accepts for requests with an Idempotency-Key. Send a"
            + " smaller body.");
  }

  private Map<String, List<String>> fingerprintHeaders(HttpRequestView request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : fingerprinter.headers()) {
      headers.put(name, List.copyOf(request.headers(name)));
    }
    if (fingerprinter.canonicalJson()) {
      headers.putIfAbsent("content-type", List.copyOf(request.headers("Content-Type")));
    }
    return headers;
  }

  /** The Content-Length the request declares, or -1 if it declares none or an unusable one. */
  private static long declaredLength(HttpRequestView request) {
    List<String> values = request.headers("Content-Length");
    if (values.size() != 1) {
      return -1;
    }
    String value = values.get(0).trim();
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }

  /** The first buffer for a body: a declared length below it sizes the buffer exactly. */
  private static final int FIRST_BUFFER_BYTES = 8192;

  /** The largest array the JVM reliably allocates; a longer body cannot be held, whatever limit. */
  private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  /**
   * The whole stream, or null if it holds more than {@code limit} bytes (or more than an array
   * holds). The buffer grows as bytes arrive: a declared length is a client's claim, and reserving
   * it up front let every request make the server allocate the whole limit. A small declared length
   * still sizes the first buffer exactly, since a scratch buffer and a growing copy for a body of a
   * few hundred bytes were a third of everything a protected request allocated. The stream's end
   * decides, as without a declaration.
   */
  private static byte @Nullable [] readBounded(InputStream in, long limit, long declared)
      throws IOException {
    long bound = Math.min(limit, MAX_ARRAY_BYTES);
    long first = declared >= 0 ? Math.min(declared, FIRST_BUFFER_BYTES) : FIRST_BUFFER_BYTES;
    byte[] buffer = new byte[(int) Math.min(first, bound)];
    int count = 0;
    while (true) {
      if (count == buffer.length) {
        // Full: one more byte tells the end of the stream from a body that needs more room.
        int next = in.read();
        if (next == -1) {
          return buffer;
        }
        if (count >= bound) {
          return null;
        }
        long grown = Math.max((long) count * 2, FIRST_BUFFER_BYTES);
        buffer = Arrays.copyOf(buffer, (int) Math.min(grown, bound));
        buffer[count++] = (byte) next;
        continue;
      }
      int n = in.read(buffer, count, buffer.length - count);
      if (n == -1) {
        return Arrays.copyOf(buffer, count);
      }
      count += n;
    }
  }

  /** The engine requests run on. */
  public Idempotency idempotency() {
    return idempotency;
  }

  /** The profile. */
  public HttpProfile profile() {
    return profile;
  }

  /** The route policy used when the adapter names none. */
  public RoutePolicy defaults() {
    return defaults;
  }

  /**
   * The largest encoded response stored as it is: {@link Builder#maxStoredBytes} if set, else the
   * store's limit ({@link Idempotency#maxResultBytes()}; {@link Long#MAX_VALUE} when it has none).
   */
  public long maxStoredBytes() {
    return maxStoredBytes;
  }

  /** The headers stored and replayed. */
  public HeaderAllowList allowList() {
    return allowList;
  }

  @Override
  public String toString() {
    return "HttpIdempotency[profile="
        + profile.name()
        + ", defaults="
        + defaults
        + ", allowList="
        + allowList
        + ", fingerprinter="
        + fingerprinter
        + "]";
  }

  /**
   * Configures an {@link HttpIdempotency}. Not thread-safe; each option may be set once. Invalid
   * options are reported together by {@link #build()}.
   */
  public static final class Builder {
    private @Nullable Idempotency idempotency;
    private Fingerprinter fingerprinter = Fingerprinter.ofDefaults();
    private HttpProfile profile = HttpProfile.ietf();
    private ScopeResolver scopeResolver = ScopeResolver.principal();
    private RoutePolicy defaults = RoutePolicy.ofDefaults();
    private HeaderAllowList allowList = HeaderAllowList.ofDefaults();
    private HttpObserver observer = HttpObserver.NONE;
    private @Nullable Long maxStoredBytes;
    private final List<String> alreadySet = new ArrayList<>();

    private Builder() {}

    /**
     * The engine: store, key policy, default retention and lease, store-failure policy. Required.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder idempotency(Idempotency idempotency) {
      once("idempotency");
      this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
      return this;
    }

    /**
     * How requests are fingerprinted. Default {@link Fingerprinter#ofDefaults()}: method, route and
     * raw body.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder fingerprinter(Fingerprinter fingerprinter) {
      once("fingerprinter");
      this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
      return this;
    }

    /**
     * The conventions to answer with. Default {@link HttpProfile#ietf()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder profile(HttpProfile profile) {
      once("profile");
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * How a request's scope is found. Default {@link ScopeResolver#principal()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder scopeResolver(ScopeResolver scopeResolver) {
      once("scopeResolver");
      this.scopeResolver = Objects.requireNonNull(scopeResolver, "scopeResolver");
      return this;
    }

    /**
     * The route policy for requests whose adapter names none. Default {@link
     * RoutePolicy#ofDefaults()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder defaults(RoutePolicy defaults) {
      once("defaults");
      this.defaults = Objects.requireNonNull(defaults, "defaults");
      return this;
    }

    /**
     * The response headers stored and replayed. Default {@link HeaderAllowList#ofDefaults()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder allowList(HeaderAllowList allowList) {
      once("allowList");
      this.allowList = Objects.requireNonNull(allowList, "allowList");
      return this;
    }

    /**
     * Receives HTTP-level events for metrics. Default: none.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder observer(HttpObserver observer) {
      once("observer");
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * The largest stored response, in its encoded form (status, allow-listed headers, body and
     * framing), that the engine's store accepts. A response whose stored form is larger is stored
     * as a {@link ProblemType#RESPONSE_TOO_LARGE} problem while the key is kept, exactly like a
     * body over the route's limit. Default: the store's own limit, {@link
     * Idempotency#maxResultBytes()}; set it only for a store that does not report its limit.
     *
     * @throws IllegalStateException if already set
     */
    public Builder maxStoredBytes(long maxStoredBytes) {
      once("maxStoredBytes");
      this.maxStoredBytes = maxStoredBytes;
      return this;
    }

    /**
     * Builds the protocol engine.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public HttpIdempotency build() {
      List<String> problems = new ArrayList<>();
      if (idempotency == null) {
        problems.add("idempotency is required: e.g. Idempotency.builder().store(store).build()");
      }
      if (fingerprinter.maxBodyBytes() < defaults.maxBodyBytes()) {
        problems.add(
            "the fingerprinter's maxBodyBytes ("
                + fingerprinter.maxBodyBytes()
                + ") is below the default route policy's maxBodyBytes ("
                + defaults.maxBodyBytes()
                + "): bodies in between would be refused with 413; raise the fingerprinter's"
                + " limit or lower the route's");
      }
      if (maxStoredBytes != null && maxStoredBytes < MIN_STORED_BYTES) {
        problems.add(
            "maxStoredBytes must be at least "
                + MIN_STORED_BYTES
                + " (room for the problem stored in place of a larger response), was "
                + maxStoredBytes);
      }
      ConfigProblems.throwIfAny("HttpIdempotency", problems);
      return new HttpIdempotency(this);
    }

    private void once(String option) {
      if (alreadySet.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      alreadySet.add(option);
    }
  }
}
