package dev.idem.http;

/**
 * Hooks for HTTP-level metrics; every method defaults to doing nothing. Store, outcome and
 * fail-open events are reported by the engine's {@link dev.idem.IdempotencyObserver}. Called on the
 * request thread; must not throw or block. Never receives keys or bodies.
 */
public interface HttpObserver {

  /** The observer that does nothing. */
  HttpObserver NONE = new HttpObserver() {};

  /** A request was refused before the handler ran. */
  default void onRejected(ProblemType type) {}

  /** A response was too large to store; a {@link ProblemType#RESPONSE_TOO_LARGE} was stored. */
  default void onResponseTooLarge(int bodyBytes) {}

  /** The handler threw; the failure was answered with 500 and stored or released. */
  default void onHandlerFailed(boolean released) {}
}
