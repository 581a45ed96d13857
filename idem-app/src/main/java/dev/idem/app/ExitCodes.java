package dev.idem.app;

/** Exit statuses, following the BSD sysexits conventions picocli also uses. */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;

  /** The command ran and its answer is negative (e.g. a key is invalid for the profile). */
  static final int FAILED_CHECK = 1;

  /** Bad usage: unknown option, bad value. Picocli's own default. */
  static final int USAGE = 2;

  /** A service the command needs cannot be reached (e.g. the target of {@code idem check}). */
  static final int UNAVAILABLE = 69;

  /** An output file cannot be written. */
  static final int CANT_CREATE = 73;

  /** An internal error. */
  static final int SOFTWARE = 70;

  private ExitCodes() {}
}
