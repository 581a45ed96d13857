package dev.idem.spi;

import dev.idem.IdempotencyException;

/**
 * A store refused to keep a result larger than its configured limit. Nothing was written: the
 * record stays as it was (in progress, under the caller's lease). Stores never truncate a result,
 * since a truncated replay would be a wrong answer.
 *
 * <p>Immutable and thread-safe.
 */
public final class ResultTooLargeException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /**
   * @param store names the store, for the message
   * @param size the size of the refused result in bytes
   * @param limit the store's limit in bytes
   * @throws NullPointerException if {@code store} is null
   */
  public ResultTooLargeException(String store, long size, long limit) {
    super(
        java.util.Objects.requireNonNull(store, "store")
            + " refused a result of "
            + size
            + " bytes: the limit is "
            + limit
            + " bytes. Nothing was stored. Raise the store's maximum result size or store less"
            + " (e.g. a reference to the result instead of the result).");
    this.size = size;
    this.limit = limit;
  }

  /** The size of the refused result in bytes. */
  public long size() {
    return size;
  }

  /** The store's limit in bytes. */
  public long limit() {
    return limit;
  }
}
