package dev.idem.internal;

import dev.idem.spi.StoreKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Digests scope + key into a {@link StoreKey}: SHA-256, or HMAC-SHA-256 under a secret. The input
 * is framed ({@code "idem-key-v1"}, NUL, 4-byte big-endian scope length, scope, key; all UTF-8) so
 * that no two (scope, key) pairs share a digest.
 */
public final class KeyDigester {
  private static final byte[] DOMAIN = "idem-key-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static final int SCRATCH_BYTES = 512;

  private final PerThread<Scratch> scratch;

  /** A digester using HMAC-SHA-256 under {@code secret}, or SHA-256 when it is null. */
  public KeyDigester(byte @Nullable [] secret) {
    byte[] copy = secret == null ? null : secret.clone();
    this.scratch = new PerThread<>(pooled -> new Scratch(copy, pooled));
  }

  /** One thread's hash function and buffers: a digest then allocates only its result. */
  private static final class Scratch extends PerThread.Lendable {
    final @Nullable MessageDigest sha256;
    final @Nullable Mac hmac;
    final byte[] input = new byte[SCRATCH_BYTES];
    final byte[] digest = new byte[32];

    Scratch(byte @Nullable [] secret, boolean pooled) {
      super(pooled);
      this.sha256 = secret == null ? newSha256() : null;
      this.hmac = secret == null ? null : newHmac(secret);
    }

    void update(byte[] bytes, int offset, int length) {
      if (hmac != null) {
        hmac.update(bytes, offset, length);
      } else {
        sha256.update(bytes, offset, length);
      }
    }

    byte[] finish() {
      try {
        if (hmac != null) {
          hmac.doFinal(digest, 0);
        } else {
          sha256.digest(digest, 0, digest.length);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
      }
      return digest;
    }
  }

  /** The store key for (scope, key). */
  public StoreKey digest(String scope, String key) {
    try (Scratch state = scratch.acquire()) {
      return digest(state, scope, key);
    }
  }

  private static StoreKey digest(Scratch state, String scope, String key) {
    byte[] input = state.input;
    int scopeAt = DOMAIN.length + 4;
    int keyAt = scopeAt + scope.length();
    int end = keyAt + key.length();
    // Keys are ASCII (every key policy says so) and scopes nearly always are: one framed buffer
    // and one update then, instead of two encoded copies and four updates.
    if (end <= input.length && copyAscii(scope, input, scopeAt) && copyAscii(key, input, keyAt)) {
      System.arraycopy(DOMAIN, 0, input, 0, DOMAIN.length);
      putLength(input, DOMAIN.length, scope.length());
      state.update(input, 0, end);
    } else {
      byte[] scopeBytes = Wtf8.encode(scope);
      byte[] keyBytes = Wtf8.encode(key);
      state.update(DOMAIN, 0, DOMAIN.length);
      byte[] length = new byte[4];
      putLength(length, 0, scopeBytes.length);
      state.update(length, 0, 4);
      state.update(scopeBytes, 0, scopeBytes.length);
      state.update(keyBytes, 0, keyBytes.length);
    }
    return new StoreKey(hex(state.finish()));
  }

  /** Copies {@code s} as bytes when it is all ASCII (then UTF-8 is the same bytes). */
  private static boolean copyAscii(String s, byte[] out, int at) {
    int nonAscii = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      nonAscii |= c >>> 7;
      out[at + i] = (byte) c;
    }
    return nonAscii == 0;
  }

  private static void putLength(byte[] out, int at, int length) {
    out[at] = (byte) (length >>> 24);
    out[at + 1] = (byte) (length >>> 16);
    out[at + 2] = (byte) (length >>> 8);
    out[at + 3] = (byte) length;
  }

  private static String hex(byte[] bytes) {
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = (byte) HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = (byte) HEX[bytes[i] & 0xF];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
    }
  }

  private static Mac newHmac(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256, which every JDK must have", e);
    }
  }
}
