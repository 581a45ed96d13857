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

  private final ThreadLocal<MessageDigest> sha256;
  private final @Nullable ThreadLocal<Mac> hmac;

  /** A digester using HMAC-SHA-256 under {@code secret}, or SHA-256 when it is null. */
  public KeyDigester(byte @Nullable [] secret) {
    this.sha256 = ThreadLocal.withInitial(() -> newSha256());
    if (secret == null) {
      this.hmac = null;
    } else {
      byte[] copy = secret.clone();
      this.hmac = ThreadLocal.withInitial(() -> newHmac(copy));
    }
  }

  /** The store key for (scope, key). */
  public StoreKey digest(String scope, String key) {
    byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] length = {
      (byte) (scopeBytes.length >>> 24),
      (byte) (scopeBytes.length >>> 16),
      (byte) (scopeBytes.length >>> 8),
      (byte) scopeBytes.length
    };
    byte[] digest;
    if (hmac != null) {
      Mac mac = hmac.get();
      mac.update(DOMAIN);
      mac.update(length);
      mac.update(scopeBytes);
      mac.update(keyBytes);
      digest = mac.doFinal();
    } else {
      MessageDigest md = sha256.get();
      md.update(DOMAIN);
      md.update(length);
      md.update(scopeBytes);
      md.update(keyBytes);
      digest = md.digest();
    }
    return new StoreKey(hex(digest));
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
