package dev.idem;

import java.util.Optional;

/**
 * Operator access to single records: look at one, release a claim that is stuck, or delete one.
 * Every call addresses one (scope, key) pair and derives the store key exactly as {@link
 * Idempotency#execute} does, so an operator who may use scope A cannot reach scope B's records, and
 * there is deliberately no way to list or search records.
 *
 * <p>Get one from {@link Idempotency#admin()}. Whoever holds it can delete any record of any scope
 * it names: expose it only behind authorisation (the Spring Boot starter's Actuator endpoint is off
 * by default and restricts scopes by configuration).
 *
 * <p>Expected situations (no record, a record that changed meanwhile) are values, not exceptions.
 * Thread-safe. No method accepts or returns null.
 */
public interface IdempotencyAdmin {

  /**
   * The live record for {@code key} in {@code scope}, without its key, token or result bytes.
   *
   * @return the record's view, or empty when there is no live record
   * @throws KeyRejectedException if the key breaks the engine's key policy
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached
   * @throws NullPointerException if an argument is null
   */
  Optional<RecordView> inspect(String scope, String key);

  /**
   * Releases the in-progress claim {@code claim} (from {@link RecordView#claim()}), so that the
   * next request with this key runs the operation again. Fenced: the release goes through the
   * store's token-checked {@code release}, so it never deletes a completed record or a claim that
   * replaced the inspected one, even if that happens between the check and the release. A worker
   * still running under the released claim cannot store its result afterwards.
   *
   * @param claim the claim id seen in {@link #inspect}
   * @throws KeyRejectedException if the key breaks the engine's key policy
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached
   * @throws NullPointerException if an argument is null
   */
  ForceReleaseOutcome forceRelease(String scope, String key, String claim);

  /**
   * Deletes the record for {@code key} in {@code scope} whatever its state: a completed result is
   * no longer replayed and a running claim loses its lease. The next request with this key runs the
   * operation again, so purge a completed record only when a client must be able to repeat it.
   *
   * @throws KeyRejectedException if the key breaks the engine's key policy
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached
   * @throws NullPointerException if an argument is null
   */
  PurgeOutcome purge(String scope, String key);

  /** What {@link #forceRelease} did. Immutable. */
  sealed interface ForceReleaseOutcome {
    /** The claim was released; the key is absent now. */
    record Released() implements ForceReleaseOutcome {}

    /** There is no live record: never used, already released, purged, or its lease ran out. */
    record NotFound() implements ForceReleaseOutcome {}

    /** The record is completed; nothing was changed. Use {@link #purge} to delete it. */
    record NotInProgress() implements ForceReleaseOutcome {}

    /**
     * The record is held under another claim than the one named, or changed between the check and
     * the release; nothing was changed. Inspect again before deciding.
     */
    record ClaimChanged() implements ForceReleaseOutcome {}
  }

  /** What {@link #purge} did. Immutable. */
  sealed interface PurgeOutcome {
    /** A live record was deleted. */
    record Purged() implements PurgeOutcome {}

    /** There was no live record to delete. */
    record NotFound() implements PurgeOutcome {}
  }
}
