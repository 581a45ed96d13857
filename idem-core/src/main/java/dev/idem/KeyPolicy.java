package dev.idem;

// TEMPORARY stub, replaced by the keys branch at merge.
public final class KeyPolicy {
  public static KeyPolicy ietf() {
    return new KeyPolicy();
  }

  public String name() {
    return "ietf";
  }

  public KeyCheck check(String key) {
    return key.length() >= 16
        ? new KeyCheck.Accepted(new IdempotencyKey(key))
        : new KeyCheck.Rejected("ietf", "TOO_SHORT", "short");
  }
}
