package dev.idem;

import java.util.Objects;

/** What {@link KeyPolicy#check} decided about a key. Immutable. */
public sealed interface KeyCheck {

  /** Whether the key was accepted. */
  default boolean accepted() {
    return this instanceof Accepted;
  }

  /**
   * The key satisfies the policy.
   *
   * @param key the accepted key
   */
  record Accepted(IdempotencyKey key) implements KeyCheck {
    /**
     * @throws NullPointerException if {@code key} is null
     */
    public Accepted {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * The key breaks a rule of the policy. The detail never contains the key itself.
   *
   * @param policy the policy's name, e.g. {@code ietf}
   * @param rule the rule it broke
   * @param detail what is wrong and what a valid key looks like, for the client
   */
  record Rejected(String policy, KeyRule rule, String detail) implements KeyCheck {
    /**
     * @throws NullPointerException if a component is null
     */
    public Rejected {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
