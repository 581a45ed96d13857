package dev.idem.conformance;

/**
 * Hears about checks as they run, e.g. to show progress live. Called on the thread that called
 * {@link ConformanceChecker#run()}, one check at a time; an exception thrown here ends the run.
 */
public interface CheckListener {
  /** A listener that ignores everything. */
  CheckListener NONE = new CheckListener() {};

  /** The check {@code name} is about to send its first request. */
  default void started(String name, String description) {}

  /** The check finished with {@code result}. */
  default void finished(CheckResult result) {}
}
