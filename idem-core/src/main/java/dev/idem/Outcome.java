package dev.idem;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link Idempotency#execute} did with one invocation. Expected situations are values, not
 * exceptions; match them with {@code instanceof} patterns on Java 17:
 *
 * <pre>{@code
 * Outcome<Receipt> outcome = idempotency.execute(key, fingerprint, codec, ctx -> charge(order));
 * if (outcome instanceof Outcome.Executed<Receipt> executed) {
 *   return created(executed.value());
 * } else if (outcome instanceof Outcome.Replayed<Receipt> replayed) {
 *   return created(replayed.value()).header("Idempotent-Replayed", "true");
 * } else if (outcome instanceof Outcome.InProgress<Receipt> inProgress) {
 *   return conflict().retryAfter(inProgress.retryAfter());
 * } else {
 *   return unprocessable("key reused with a different request");
 * }
 * }</pre>
 *
 * <p>or with a {@code switch} on Java 21+. All variants are immutable.
 *
 * @param <T> the operation's result type
 */
public sealed interface Outcome<T>
    permits Outcome.Executed, Outcome.Replayed, Outcome.InProgress, Outcome.Mismatch {

  /**
   * The operation ran in this call.
   *
   * @param value what the operation returned
   * @param storage whether and how its result was recorded
   */
  record Executed<T>(T value, Storage storage) implements Outcome<T> {
    /**
     * @throws NullPointerException if {@code storage} is null
     */
    public Executed {
      Objects.requireNonNull(storage, "storage");
    }
  }

  /**
   * An earlier call with the same key and fingerprint completed; this is its stored result.
   *
   * @param value the decoded stored result
   * @param completedAt when the original call completed
   */
  record Replayed<T>(T value, Instant completedAt) implements Outcome<T> {
    /**
     * @throws NullPointerException if {@code completedAt} is null
     */
    public Replayed {
      Objects.requireNonNull(completedAt, "completedAt");
    }
  }

  /**
   * Another call with the same key and fingerprint is still running (after waiting, if waiting was
   * configured). Nothing ran; ask the client to retry later.
   *
   * @param retryAfter a suggested wait, at least one second, rounded up to whole seconds
   */
  record InProgress<T>(Duration retryAfter) implements Outcome<T> {
    /**
     * @throws NullPointerException if {@code retryAfter} is null
     */
    public InProgress {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /**
   * The key is bound to a request with a different fingerprint (body, method or route). Nothing ran
   * and nothing changed; the client reused a key for another request.
   */
  record Mismatch<T>() implements Outcome<T> {}

  /** What became of an executed operation's result. */
  enum Storage {
    /** Stored; retries replay it until retention ends. */
    STORED,
    /** Not stored: the operation asked for the key to be released, so a retry runs again. */
    RELEASED,
    /**
     * Not stored: the lease ran out and another worker took the key over before completion. The
     * operation may have run twice; this is counted and logged.
     */
    LEASE_LOST,
    /**
     * Not stored: the store failed when the result was written. The claim lapses when its lease
     * ends, after which a retry runs again.
     */
    STORE_FAILED,
    /** Ran without protection because the store was down and the engine is set to fail open. */
    UNPROTECTED,
    /**
     * Not stored: the store refused the encoded result as larger than its limit, and the key was
     * released rather than left blocked until its lease ends. A retry runs the operation again:
     * keep stored results small (a reference rather than a document) or raise the store's limit.
     */
    RESULT_TOO_LARGE
  }
}
