package dev.idem;

/**
 * A request body that had to be read as JSON (the fingerprinter canonicalises JSON) is not valid
 * JSON, or uses JSON that RFC 8785 cannot canonicalise (duplicate member names, lone surrogates,
 * numbers beyond IEEE 754 double range). The HTTP layer answers 400.
 *
 * <p>The message names the problem and the byte offset, never the body's content. Immutable and
 * thread-safe. It carries no stack trace: it reports bad input, not a fault in the program, and
 * hostile clients should not make the server pay for one.
 */
public final class MalformedBodyException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final String problem;

  /**
   * @param offset zero-based byte offset in the body where the problem was found
   * @param problem what is wrong, e.g. {@code "duplicate object member name"}
   * @throws NullPointerException if {@code problem} is null
   */
  public MalformedBodyException(long offset, String problem) {
    super(
        "request body is not acceptable JSON at byte "
            + offset
            + ": "
            + java.util.Objects.requireNonNull(problem, "problem"));
    this.offset = offset;
    this.problem = problem;
  }

  /** Zero-based byte offset in the body where the problem was found. */
  public long offset() {
    return offset;
  }

  /** What is wrong, without the offset. */
  public String problem() {
    return problem;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
