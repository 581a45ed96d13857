package dev.idem.spi;

import dev.idem.Fingerprint;
import java.time.Duration;
import java.util.Optional;

/**
 * Where idempotency records live. A store only stores: it does no hashing, no encoding and no
 * caching; the engine hands it digests, fingerprints and opaque result bytes.
 *
 * <p>The contract, checked for every store by {@code idem-store-tck}:
 *
 * <ul>
 *   <li>{@link #acquire} is one atomic step, even across processes sharing the back end.
 *   <li>A record whose lease or retention has ended is treated exactly as an absent one.
 *   <li>Every write after {@code acquire} is fenced by the lease token.
 *   <li>A completed record is immutable until its retention ends.
 *   <li>When the back end cannot be reached, every method throws {@link StoreUnavailableException};
 *       it never answers as if the record were absent.
 * </ul>
 *
 * <p>Implementations are thread-safe. No method accepts or returns null.
 */
public interface IdempotencyStore extends AutoCloseable {

  /**
   * Claims {@code key} for a request with {@code fingerprint} if it is absent, in one atomic step.
   *
   * @param key the record's identity
   * @param fingerprint the request's fingerprint
   * @param lease how long the claim lasts unless renewed; positive
   * @return {@code Acquired} with a new token, or what stands in the way
   * @throws StoreUnavailableException if the back end cannot be reached
   * @throws IllegalArgumentException if {@code lease} is not positive
   */
  AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease);

  /**
   * Stores {@code result} and turns the record held under {@code token} into COMPLETED, kept for
   * {@code retention} from now.
   *
   * @throws StoreUnavailableException if the back end cannot be reached
   * @throws IllegalArgumentException if {@code retention} is not positive
   */
  WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention);

  /**
   * Extends the lease of the record held under {@code token} to {@code lease} from now.
   *
   * @throws StoreUnavailableException if the back end cannot be reached
   * @throws IllegalArgumentException if {@code lease} is not positive
   */
  WriteResult renew(StoreKey key, LeaseToken token, Duration lease);

  /**
   * Deletes the in-progress record held under {@code token}, so the key can be claimed again (a
   * retryable failure).
   *
   * @throws StoreUnavailableException if the back end cannot be reached
   */
  WriteResult release(StoreKey key, LeaseToken token);

  /**
   * Deletes the record under {@code key} whatever its state and whoever holds it, for operators: it
   * is not fenced, so the engine never calls it while serving requests. A worker still running
   * under the deleted claim loses its lease (its complete, renew and release are refused), and the
   * key can be acquired again at once.
   *
   * @return true if a live record was deleted; false if there was none (absent or expired)
   * @throws StoreUnavailableException if the back end cannot be reached
   */
  boolean purge(StoreKey key);

  /**
   * Reads the live record, if any: an expired record is not returned.
   *
   * @throws StoreUnavailableException if the back end cannot be reached
   */
  Optional<IdempotencyRecord> find(StoreKey key);

  /**
   * The largest result {@link #complete} accepts, in bytes; a longer one throws {@link
   * ResultTooLargeException}. {@link Long#MAX_VALUE} (the default) for a store with no limit of its
   * own. Callers that can store something smaller in place of a result too large (the HTTP layer
   * stores a short problem and keeps the key) read it here, before completing.
   */
  default long maxResultBytes() {
    return Long.MAX_VALUE;
  }

  /** Releases the store's own resources; a client passed in by the caller stays open. */
  @Override
  default void close() {}
}
