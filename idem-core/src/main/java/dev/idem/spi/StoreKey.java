package dev.idem.spi;

import dev.idem.internal.CharClasses;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
    int invalid = CharClasses.firstNonLowerHex(hex);
    if (invalid >= 0) {
      throw new IllegalArgumentException(
          "a store key is lowercase hex; character at position " + invalid + " is not");
    }
  }

  /** Equal when the digests are. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StoreKey other && hex.equals(other.hex);
  }

  /**
   * The digest's last 32 bits. A digest is uniformly distributed, so they hash as well as {@link
   * String#hashCode()}, which on JDK 17 is a 64-step multiply chain over a string no one has hashed
   * yet (every store key is freshly computed).
   */
  @Override
  public int hashCode() {
    int hash = 0;
    for (int i = LENGTH - 8; i < LENGTH; i++) {
      char c = hex.charAt(i);
      // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low nibble, plus 9 for a letter.
      hash = (hash << 4) | ((c & 0xF) + 9 * (c >>> 6));
    }
    return hash;
  }

  /** Same as {@link #hex()}. */
  @Override
  public String toString() {
    return hex;
  }
}
