package dev.idem.internal;

/**
 * Whole-string character-class checks for values made of random characters (digests, lease tokens).
 * They test every character without a data-dependent branch: with random input, a chain of range
 * comparisons mispredicts about once per character, which made checking a 64-character digest cost
 * more than computing it.
 */
public final class CharClasses {
  /** The base64url alphabet (RFC 4648 §5), in value order. */
  public static final String BASE64URL_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private static final byte[] NOT_LOWER_HEX = table("0123456789abcdef");
  private static final byte[] NOT_URL_SAFE = table(BASE64URL_ALPHABET);

  private CharClasses() {}

  /** Whether every character of {@code s} is one of {@code 0-9 a-f}. */
  public static boolean isLowerHex(String s) {
    return firstOutside(s, NOT_LOWER_HEX) < 0;
  }

  /** Whether every character of {@code s} is one of {@code A-Z a-z 0-9 - _}. */
  public static boolean isUrlSafe(String s) {
    return firstOutside(s, NOT_URL_SAFE) < 0;
  }

  /** The index of the first character of {@code s} outside {@code 0-9 a-f}, or -1. */
  public static int firstNonLowerHex(String s) {
    return firstOutside(s, NOT_LOWER_HEX);
  }

  private static int firstOutside(String s, byte[] notInClass) {
    int length = s.length();
    int outside = 0;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      // Non-zero for a character above 0xFF or one the table marks; no branch on the value.
      outside |= (c >>> 8) | notInClass[c & 0xFF];
    }
    if (outside == 0) {
      return -1;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if ((c >>> 8) != 0 || notInClass[c & 0xFF] != 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  private static byte[] table(String members) {
    byte[] notIn = new byte[256];
    java.util.Arrays.fill(notIn, (byte) 1);
    for (int i = 0; i < members.length(); i++) {
      notIn[members.charAt(i)] = 0;
    }
    return notIn;
  }
}
