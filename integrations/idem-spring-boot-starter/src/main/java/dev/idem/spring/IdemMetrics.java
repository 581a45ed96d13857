package dev.idem.spring;

import dev.idem.IdempotencyObserver;
import dev.idem.http.HttpObserver;
import dev.idem.http.ProblemType;
import dev.idem.spi.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Records Idem's events as Micrometer meters, named after the key-generation guide (Prometheus
 * names in brackets):
 *
 * <ul>
 *   <li>{@code idempotency.key.status} [{@code idempotency_key_status_total}], a counter tagged
 *       {@code outcome} = new, replayed, in_progress, mismatch, expired (this instance lost a lease
 *       it held) or store_error;
 *   <li>{@code idempotency.hit.vs.miss.ratio} [{@code idempotency_hit_vs_miss_ratio}], a gauge:
 *       replayed / (replayed + new), 0 before the first request;
 *   <li>{@code idempotency.dedup.latency} [{@code idempotency_dedup_latency_seconds}], a timer of
 *       the time to decide new / replayed / in progress / mismatch, with p99 and a histogram
 *       (buckets from 0.1 ms, one edge at the 5 ms budget);
 *   <li>{@code idempotency.header.missing} [{@code idempotency_header_missing_total}], requests to
 *       a protected route without a key;
 *   <li>{@code stuck.pending.keys} [{@code stuck_pending_keys}], claims this instance holds past
 *       their lease.
 * </ul>
 *
 * <p>No meter carries a key, a key digest or a body: tags are fixed enumerations. Thread-safe.
 */
public final class IdemMetrics implements IdempotencyObserver, HttpObserver {

  /** Counter of decisions, tagged {@code outcome}. */
  public static final String KEY_STATUS = "idempotency.key.status";

  /** Gauge of replayed / (replayed + new). */
  public static final String HIT_VS_MISS_RATIO = "idempotency.hit.vs.miss.ratio";

  /** Timer of the dedup decision. */
  public static final String DEDUP_LATENCY = "idempotency.dedup.latency";

  /** Counter of requests to protected routes without a key. */
  public static final String HEADER_MISSING = "idempotency.header.missing";

  /** Gauge of claims held past their lease. */
  public static final String STUCK_PENDING_KEYS = "stuck.pending.keys";

  /**
   * The guide's p99 budget for the dedup decision; the latency histogram has a bucket edge here.
   */
  public static final Duration DEDUP_BUDGET = Duration.ofMillis(5);

  private final Map<OutcomeType, Counter> outcomes = new EnumMap<>(OutcomeType.class);
  private final Counter expired;
  private final Counter storeError;
  private final Counter headerMissing;
  private final Timer dedupLatency;

  /**
   * Registers the meters.
   *
   * @param registry where the meters live
   * @param stuckClaims reports the claims held past their lease
   * @throws NullPointerException if an argument is null
   */
  public IdemMetrics(MeterRegistry registry, IntSupplier stuckClaims) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(stuckClaims, "stuckClaims");
    outcomes.put(OutcomeType.EXECUTED, status(registry, "new"));
    outcomes.put(OutcomeType.REPLAYED, status(registry, "replayed"));
    outcomes.put(OutcomeType.IN_PROGRESS, status(registry, "in_progress"));
    outcomes.put(OutcomeType.MISMATCH, status(registry, "mismatch"));
    expired = status(registry, "expired");
    storeError = status(registry, "store_error");
    headerMissing =
        Counter.builder(HEADER_MISSING)
            .description("Requests to a protected route without an Idempotency-Key")
            .register(registry);
    dedupLatency =
        Timer.builder(DEDUP_LATENCY)
            .description("Time to decide whether a request is new, a replay or a conflict")
            .publishPercentiles(0.99)
            .publishPercentileHistogram()
            // Stores decide in well under a millisecond; Micrometer's default 1 ms floor would
            // put nearly every request in the first bucket and blur the p50.
            .minimumExpectedValue(Duration.ofNanos(100_000))
            // A bucket edge at exactly the guide's 5 ms p99 budget, so the alert compares
            // against a counted boundary instead of an interpolation between two others.
            .serviceLevelObjectives(DEDUP_BUDGET)
            .register(registry);
    Gauge.builder(HIT_VS_MISS_RATIO, this, IdemMetrics::hitVsMissRatio)
        .description("Replayed / (replayed + new) since startup")
        .register(registry);
    Gauge.builder(STUCK_PENDING_KEYS, stuckClaims, s -> s.getAsInt())
        .description("Claims held by this instance past their lease")
        // The supplier is a lambda nobody else holds; a weak gauge would read NaN after a GC.
        .strongReference(true)
        .register(registry);
  }

  private static Counter status(MeterRegistry registry, String outcome) {
    return Counter.builder(KEY_STATUS)
        .description("Idempotency decisions by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private double hitVsMissRatio() {
    double replayed = outcomes.get(OutcomeType.REPLAYED).count();
    double fresh = outcomes.get(OutcomeType.EXECUTED).count();
    return replayed + fresh == 0 ? 0 : replayed / (replayed + fresh);
  }

  @Override
  public void onOutcome(OutcomeType type, long dedupNanos) {
    outcomes.get(type).increment();
    dedupLatency.record(dedupNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
    storeError.increment();
  }

  @Override
  public void onLeaseLost() {
    expired.increment();
  }

  @Override
  public void onRejected(ProblemType type) {
    if (type == ProblemType.KEY_MISSING) {
      headerMissing.increment();
    }
  }
}
