package dev.idem;

import java.util.Objects;

/**
 * A client key broke the engine's {@link KeyPolicy}; nothing was stored and nothing ran. The HTTP
 * layer answers 400 with the rule and detail.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyRejectedException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient KeyCheck.Rejected rejection;

  /**
   * @param rejection the policy's verdict
   * @throws NullPointerException if {@code rejection} is null
   */
  public KeyRejectedException(KeyCheck.Rejected rejection) {
    super(
        "Idempotency key rejected by the "
            + Objects.requireNonNull(rejection, "rejection").policy()
            + " policy ("
            + rejection.rule()
            + "): "
            + rejection.detail());
    this.rejection = rejection;
  }

  /** The policy's verdict: which policy, which rule, what to do. */
  public KeyCheck.Rejected rejection() {
    return rejection;
  }

  /** The rule the key broke. */
  public KeyRule rule() {
    return rejection.rule();
  }
}
