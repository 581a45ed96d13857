package dev.idem;

// TEMPORARY stub, replaced by the keys branch at merge.
public sealed interface KeyCheck {
  record Accepted(IdempotencyKey key) implements KeyCheck {}

  record Rejected(String policy, String rule, String detail) implements KeyCheck {}
}
