package dev.idem;

/** What the engine does when the store cannot be reached before an operation runs. */
public enum StoreFailurePolicy {
  /**
   * Refuse: throw {@link dev.idem.spi.StoreUnavailableException} (HTTP: 503 with {@code
   * Retry-After}). The default: running unprotected could charge a customer twice.
   */
  FAIL_CLOSED,
  /**
   * Run the operation without protection and report {@link Outcome.Storage#UNPROTECTED}. Only for
   * operations where a duplicate is cheaper than an outage; every such run is counted.
   */
  FAIL_OPEN
}
