package dev.idem.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Mints 128-bit URL-safe lease tokens. */
public final class LeaseTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LeaseTokens() {}

  /** A fresh 22-character token. */
  public static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
