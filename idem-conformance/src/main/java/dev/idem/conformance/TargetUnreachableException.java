package dev.idem.conformance;

import java.net.URI;
import java.util.Objects;

/**
 * The target could not be reached at all (connection refused, unknown host), so no check could
 * judge it. Thrown by {@link ConformanceChecker#run()} instead of failing every check with the same
 * I/O error.
 */
public final class TargetUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final URI target;

  /**
   * @throws NullPointerException if {@code target} or {@code cause} is null
   */
  public TargetUnreachableException(URI target, Throwable cause) {
    super(
        "cannot reach "
            + Objects.requireNonNull(target, "target")
            + ": "
            + describe(Objects.requireNonNull(cause, "cause")),
        cause);
    this.target = target;
  }

  /** The URI that could not be reached. */
  public URI target() {
    return target;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + " (" + message + ")";
  }
}
