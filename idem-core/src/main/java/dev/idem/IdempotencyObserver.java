package dev.idem;

import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;

/**
 * Hooks for metrics and logs; every method defaults to doing nothing, like a no-op metrics factory.
 * Called on the caller's thread (or the heartbeat thread for renewals) and must not block. An
 * exception it throws is logged ({@code System.Logger}) and otherwise ignored: a failing metrics
 * hook never fails a call or stops lease renewals. Never receives keys or bodies: only what is safe
 * to export, which includes the digest a record is stored under (the store holds nothing else
 * either).
 */
public interface IdempotencyObserver {

  /** The observer that does nothing. */
  IdempotencyObserver NONE = new IdempotencyObserver() {};

  /** What an invocation came to. */
  enum OutcomeType {
    /** The operation ran (a new key). */
    EXECUTED,
    /** A stored result was replayed. */
    REPLAYED,
    /** A duplicate was still running. */
    IN_PROGRESS,
    /** The key was reused with a different request. */
    MISMATCH
  }

  /** Which store call failed. */
  enum StoreCall {
    ACQUIRE,
    COMPLETE,
    RENEW,
    RELEASE,
    FIND,
    /** An operator's purge through {@link IdempotencyAdmin#purge}. */
    PURGE
  }

  /**
   * An invocation's key passed the key policy and was digested; called on the caller's thread
   * before the store is asked, so that tracing can attach the digest to the caller's span even when
   * the store then fails. Every later event of the same invocation on that thread follows it.
   *
   * @param key the digest of scope + key the record is stored under (HMAC-SHA-256 when the engine
   *     has a key-digest secret, plain SHA-256 otherwise)
   */
  default void onKeyDigested(StoreKey key) {}

  /**
   * An invocation finished.
   *
   * @param type the outcome
   * @param dedupNanos time spent in the store deciding it (acquire, plus any waiting); excludes the
   *     operation itself
   */
  default void onOutcome(OutcomeType type, long dedupNanos) {}

  /** A store call failed; the engine applied its failure policy. */
  default void onStoreFailure(StoreCall call, StoreUnavailableException failure) {}

  /** An operation ran unprotected because the store was down and the engine fails open. */
  default void onFailOpen() {}

  /** A claim's lease was found taken over (by a heartbeat or at completion). */
  default void onLeaseLost() {}

  /** A heartbeat renewed a running operation's lease. */
  default void onLeaseRenewed() {}

  /** An operation finished and the key was released instead of stored. */
  default void onReleased() {}

  /**
   * The store refused an operation's result as too large; the key was released.
   *
   * @param size the encoded result's size in bytes
   * @param limit the store's limit in bytes
   */
  default void onResultTooLarge(long size, long limit) {}
}
