package dev.idem;

import dev.idem.internal.CharClasses;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The SHA-256 digest of a request (method, route, selected headers, body) that an idempotency key
 * is bound to: the same key sent with a different fingerprint is a mismatch. Build one with {@link
 * Fingerprinter}; stores keep it as its hex form.
 *
 * <p>Immutable and thread-safe.
 *
 * @param hex 64 lowercase hexadecimal characters
 */
public record Fingerprint(String hex) {
  /** Length of {@link #hex()}: a SHA-256 digest in hex. */
  public static final int HEX_LENGTH = 64;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * @throws NullPointerException if {@code hex} is null
   * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex characters
   */
  public Fingerprint {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != HEX_LENGTH) {
      throw new IllegalArgumentException(
          "a fingerprint is " + HEX_LENGTH + " lowercase hex characters, got " + hex.length());
    }
    int invalid = CharClasses.firstNonLowerHex(hex);
    if (invalid >= 0) {
      throw new IllegalArgumentException(
          "a fingerprint is lowercase hex; character at position " + invalid + " is not");
    }
  }

  /**
   * The fingerprint with this hex form, as a store returns it.
   *
   * @throws NullPointerException if {@code hex} is null
   * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex characters
   */
  public static Fingerprint ofHex(String hex) {
    return new Fingerprint(hex);
  }

  /**
   * The fingerprint of a finished SHA-256 digest.
   *
   * @throws NullPointerException if {@code sha256} is null
   * @throws IllegalArgumentException if {@code sha256} is not 32 bytes
   */
  public static Fingerprint ofDigest(byte[] sha256) {
    Objects.requireNonNull(sha256, "sha256");
    if (sha256.length != HEX_LENGTH / 2) {
      throw new IllegalArgumentException(
          "a SHA-256 digest is " + HEX_LENGTH / 2 + " bytes, got " + sha256.length);
    }
    char[] out = new char[HEX_LENGTH];
    for (int i = 0; i < sha256.length; i++) {
      out[2 * i] = HEX[(sha256[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[sha256[i] & 0xF];
    }
    return new Fingerprint(new String(out));
  }

  /**
   * Whether both fingerprints are the same, compared in time independent of where they differ.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public boolean matches(Fingerprint other) {
    Objects.requireNonNull(other, "other");
    return MessageDigest.isEqual(
        hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        other.hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** Same as {@link #hex()}. */
  @Override
  public String toString() {
    return hex;
  }
}
