package dev.idem;

/**
 * What a running {@link Operation} may ask of the engine about its claim. One instance per
 * execution; thread-safe, so the operation may hand it to worker threads.
 */
public interface ExecutionContext {

  /**
   * Whether a heartbeat found that the lease was taken over. Long-running work should check this
   * and stop: its result will not be stored.
   */
  boolean leaseLost();

  /**
   * Renews the lease now, in addition to the engine's heartbeat.
   *
   * @throws LeaseLostException if the claim is no longer held
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached
   */
  void renewLease();

  /**
   * Asks the engine to release the key instead of storing the result once the operation returns:
   * the failure was retryable and a retry should run the operation again.
   */
  void releaseKey();
}
