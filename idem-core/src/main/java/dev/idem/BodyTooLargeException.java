package dev.idem;

/**
 * A request body is larger than the fingerprinter's {@code maxBodyBytes}. Bodies are refused, never
 * truncated, because a fingerprint of part of a body would let two different requests match. The
 * HTTP layer answers 413.
 *
 * <p>Immutable and thread-safe. It carries no stack trace: it reports bad input, not a fault in the
 * program.
 */
public final class BodyTooLargeException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  /**
   * @param limit the largest body accepted, in bytes
   */
  public BodyTooLargeException(long limit) {
    super("request body is larger than the " + limit + "-byte limit for fingerprinting");
    this.limit = limit;
  }

  /** The largest body accepted, in bytes. */
  public long limit() {
    return limit;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
