package dev.idem;

/**
 * The work to run at most once per key.
 *
 * <p>If it throws, the engine releases the key (so a retry runs it again) and rethrows: runtime
 * exceptions and errors as they are, checked exceptions wrapped in {@link IdempotencyException}. To
 * store a failure instead, return it as a value.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Operation<T> {

  /**
   * Runs the work.
   *
   * @param context the claim this run holds
   * @return the result to store and replay
   * @throws Exception any failure; the key is released
   */
  T run(ExecutionContext context) throws Exception;
}
