package dev.idem.spring;

import dev.idem.IdempotencyObserver;
import dev.idem.http.HttpObserver;
import dev.idem.http.ProblemType;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;

/**
 * Writes Idem's decisions onto the current OpenTelemetry span, so a trace shows whether a request
 * ran, was replayed or was refused, and under which stored record:
 *
 * <ul>
 *   <li>{@code idempotency.key_digest}: the 64-hex digest of scope + key the record is stored under
 *       (HMAC-SHA-256 with {@code idem.key-digest-secret}, SHA-256 otherwise), the same value a
 *       store dump shows, so a trace leads to its record;
 *   <li>{@code idempotency.outcome}: {@code new}, {@code replayed}, {@code in_progress}, {@code
 *       mismatch} or {@code store_error}, the values of the {@code idempotency_key_status_total}
 *       metric;
 *   <li>{@code idempotency.replayed}: whether the stored response was replayed;
 *   <li>{@code idempotency.dedup_latency_ms}: time spent deciding, as in the latency histogram;
 *   <li>{@code idempotency.problem}: the problem type slug of a refused request, e.g. {@code
 *       idempotency-key-missing};
 *   <li>{@code idempotency.store_error}: the store call that failed ({@code acquire}, {@code
 *       complete}, …), {@code idempotency.fail_open} when the request then ran unprotected, and
 *       {@code idempotency.lease_lost} when the result could not be stored because the lease was
 *       taken over.
 * </ul>
 *
 * <p>The current span is whatever the OpenTelemetry context holds on the request thread: the server
 * span of the Java agent, or the one Micrometer Tracing's OpenTelemetry bridge opens. With no span,
 * or one not sampled, nothing is recorded. No attribute carries the client's key, the scope or a
 * body. Stateless and thread-safe.
 */
public final class IdemSpanAttributes implements IdempotencyObserver, HttpObserver {

  /** The digest of scope + key the record is stored under. */
  public static final AttributeKey<String> KEY_DIGEST =
      AttributeKey.stringKey("idempotency.key_digest");

  /** new, replayed, in_progress, mismatch or store_error. */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("idempotency.outcome");

  /** Whether the stored response was replayed. */
  public static final AttributeKey<Boolean> REPLAYED =
      AttributeKey.booleanKey("idempotency.replayed");

  /** Milliseconds spent deciding new / replayed / in progress / mismatch. */
  public static final AttributeKey<Double> DEDUP_LATENCY_MS =
      AttributeKey.doubleKey("idempotency.dedup_latency_ms");

  /** The slug of the problem type a request was refused with. */
  public static final AttributeKey<String> PROBLEM = AttributeKey.stringKey("idempotency.problem");

  /** The store call that failed, lower case. */
  public static final AttributeKey<String> STORE_ERROR =
      AttributeKey.stringKey("idempotency.store_error");

  /** The request ran unprotected because the store failed and the engine fails open. */
  public static final AttributeKey<Boolean> FAIL_OPEN =
      AttributeKey.booleanKey("idempotency.fail_open");

  /** The claim's lease was taken over before the result was stored. */
  public static final AttributeKey<Boolean> LEASE_LOST =
      AttributeKey.booleanKey("idempotency.lease_lost");

  /** Creates the observer; register it as a bean and the starter passes it every event. */
  public IdemSpanAttributes() {}

  @Override
  public void onKeyDigested(StoreKey key) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(KEY_DIGEST, key.hex());
    }
  }

  @Override
  public void onOutcome(OutcomeType type, long dedupNanos) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(OUTCOME, outcome(type));
      span.setAttribute(REPLAYED, type == OutcomeType.REPLAYED);
      span.setAttribute(DEDUP_LATENCY_MS, dedupNanos / 1e6);
    }
  }

  @Override
  public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(STORE_ERROR, call.name().toLowerCase(Locale.ROOT));
      if (call == StoreCall.ACQUIRE) {
        // No decision was made; later calls (complete, release) keep the outcome already set.
        span.setAttribute(OUTCOME, "store_error");
      }
    }
  }

  @Override
  public void onFailOpen() {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(FAIL_OPEN, true);
    }
  }

  @Override
  public void onLeaseLost() {
    // On the heartbeat thread the current span is the invalid one and this does nothing; at
    // completion it is the request's.
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(LEASE_LOST, true);
    }
  }

  @Override
  public void onRejected(ProblemType type) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(PROBLEM, slug(type));
    }
  }

  static String outcome(OutcomeType type) {
    return switch (type) {
      case EXECUTED -> "new";
      case REPLAYED -> "replayed";
      case IN_PROGRESS -> "in_progress";
      case MISMATCH -> "mismatch";
    };
  }

  private static String slug(ProblemType type) {
    String uri = type.uri().toString();
    return uri.substring(ProblemType.BASE.length());
  }
}
