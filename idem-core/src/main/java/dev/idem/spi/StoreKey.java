package dev.idem.spi;

import java.util.Objects;

/**
 * The identity of a record as a store sees it: a lowercase hex digest (SHA-256 or HMAC-SHA-256) of
 * the scope and the client's key, never the key itself, so a dump of the store reveals no client
 * key and tenant B's key can never address tenant A's record.
 *
 * @param hex 64 lowercase hexadecimal characters
 */
public record StoreKey(String hex) {
  private static final int LENGTH = 64;

  /**
   * @throws NullPointerException if {@code hex} is null
   * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex characters
   */
  public StoreKey {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != LENGTH) {
      throw new IllegalArgumentException(
          "a store key is " + LENGTH + " lowercase hex characters, got " + hex.length());
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "a store key is lowercase hex; character at position " + i + " is not");
      }
    }
  }

  /** Same as {@link #hex()}. */
  @Override
  public String toString() {
    return hex;
  }
}
