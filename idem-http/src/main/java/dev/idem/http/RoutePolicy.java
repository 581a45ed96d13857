package dev.idem.http;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How one route is protected. Immutable; start from {@link #ofDefaults()} and change it with the
 * {@code with} methods, which a configuration binder or an {@code @Idempotent} annotation can drive
 * one attribute at a time.
 *
 * <p>Which responses are stored: every status except those in {@code releasingStatuses} (default
 * 401 and 429: the request was turned away before any work, so a retry must run it); server errors
 * and handler exceptions are stored too (side effects may have happened), unless the route is
 * {@code retryable}, in which case they release the key so a retry runs the handler again.
 *
 * @param methods the methods protected on this route, upper-case; others pass through untouched.
 *     Default POST and PATCH.
 * @param keyRequired whether a protected request without a key is refused (400); when false it
 *     passes through unprotected. Default true.
 * @param retention how long a response is replayed, or null for the engine's default
 * @param lease how long a claim lasts without renewal, or null for the engine's default
 * @param maxWait how long a duplicate of a running request waits for it and then replays; zero (the
 *     default) answers 409 at once
 * @param releasingStatuses statuses that release the key instead of being stored. Default 401, 429.
 * @param retryable whether 5xx answers and handler exceptions release the key (true) or are stored
 *     (false, the default)
 * @param maxBodyBytes the largest request body fingerprinted (larger: 413, nothing stored) and the
 *     largest response body stored (larger: sent, but a {@code response-too-large} problem is
 *     stored instead). Default 1 MiB.
 */
public record RoutePolicy(
    Set<String> methods,
    boolean keyRequired,
    @Nullable Duration retention,
    @Nullable Duration lease,
    Duration maxWait,
    Set<Integer> releasingStatuses,
    boolean retryable,
    long maxBodyBytes) {

  /** Default body limit: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  private static final RoutePolicy DEFAULTS =
      new RoutePolicy(
          Set.of("POST", "PATCH"),
          true,
          null,
          null,
          Duration.ZERO,
          Set.of(401, 429),
          false,
          DEFAULT_MAX_BODY_BYTES);

  /**
   * @throws NullPointerException if a non-nullable component is null
   * @throws IllegalArgumentException if a method is not an HTTP token, a status is not 100–599, a
   *     duration is not positive (maxWait: negative) or the body limit is negative
   */
  public RoutePolicy {
    Objects.requireNonNull(methods, "methods");
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(releasingStatuses, "releasingStatuses");
    TreeSet<String> upper = new TreeSet<>();
    for (String method : methods) {
      Objects.requireNonNull(method, "method");
      if (method.isEmpty() || !method.chars().allMatch(RoutePolicy::isTokenChar)) {
        throw new IllegalArgumentException("not an HTTP method: '" + method + "'");
      }
      upper.add(method.toUpperCase(Locale.ROOT));
    }
    methods = Set.copyOf(upper);
    for (Integer status : releasingStatuses) {
      Objects.requireNonNull(status, "status");
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("not an HTTP status: " + status);
      }
    }
    releasingStatuses = Set.copyOf(releasingStatuses);
    requirePositive(retention, "retention");
    requirePositive(lease, "lease");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must not be negative: " + maxBodyBytes);
    }
  }

  /** POST and PATCH protected, key required, engine durations, 409 at once, 401/429 release. */
  public static RoutePolicy ofDefaults() {
    return DEFAULTS;
  }

  /** Whether requests with this method are protected; case-insensitive. */
  public boolean protects(String method) {
    return methods.contains(Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT));
  }

  /** Whether a response with this status releases the key instead of being stored. */
  public boolean releases(int status) {
    return releasingStatuses.contains(status) || (retryable && status >= 500);
  }

  /** A copy protecting these methods. */
  public RoutePolicy withMethods(String... methods) {
    return withMethods(java.util.Arrays.asList(methods));
  }

  /** A copy protecting these methods. */
  public RoutePolicy withMethods(Collection<String> methods) {
    return new RoutePolicy(
        Set.copyOf(methods),
        keyRequired,
        retention,
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy that refuses (true) or passes through (false) protected requests without a key. */
  public RoutePolicy withKeyRequired(boolean keyRequired) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy with its own retention. */
  public RoutePolicy withRetention(Duration retention) {
    return new RoutePolicy(
        methods,
        keyRequired,
        Objects.requireNonNull(retention, "retention"),
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy with its own lease. */
  public RoutePolicy withLease(Duration lease) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        Objects.requireNonNull(lease, "lease"),
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy whose duplicates of a running request wait up to {@code maxWait}, then replay. */
  public RoutePolicy withMaxWait(Duration maxWait) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy whose responses with these statuses release the key. */
  public RoutePolicy withReleasingStatuses(Integer... statuses) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        lease,
        maxWait,
        Set.copyOf(java.util.Arrays.asList(statuses)),
        retryable,
        maxBodyBytes);
  }

  /** A copy on which 5xx answers and handler exceptions release the key (true) or are stored. */
  public RoutePolicy withRetryable(boolean retryable) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  /** A copy with its own body limit. */
  public RoutePolicy withMaxBodyBytes(long maxBodyBytes) {
    return new RoutePolicy(
        methods,
        keyRequired,
        retention,
        lease,
        maxWait,
        releasingStatuses,
        retryable,
        maxBodyBytes);
  }

  private static void requirePositive(@Nullable Duration duration, String name) {
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
