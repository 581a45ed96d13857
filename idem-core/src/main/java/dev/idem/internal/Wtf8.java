package dev.idem.internal;

import java.util.Arrays;

/** UTF-8 that keeps lone surrogates apart, for framing strings into digests. */
public final class Wtf8 {
  private Wtf8() {}

  /**
   * {@code s} as UTF-8, except that a lone surrogate is encoded as its own three bytes (as WTF-8
   * does) instead of the '?' {@link String#getBytes} writes, which would make "\uD800" and "?"
   * digest alike: two scopes or fingerprints that differ would collide.
   */
  public static byte[] encode(String s) {
    byte[] out = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | (c >> 6));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[n++] = (byte) (0xF0 | (cp >> 18));
        out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[n++] = (byte) (0xE0 | (c >> 12));
        out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return Arrays.copyOf(out, n);
  }
}
