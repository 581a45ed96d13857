package dev.idem;

/**
 * A fenced write was refused because this worker no longer holds the record's lease: it ran out and
 * another worker took the key over, or the record was released or completed meanwhile. Thrown by
 * {@link ExecutionContext#renewLease()} so that long-running work can stop early.
 *
 * <p>Immutable and thread-safe.
 */
public final class LeaseLostException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which write was refused and why
   */
  public LeaseLostException(String message) {
    super(message);
  }
}
