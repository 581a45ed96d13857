package dev.idem.internal;

import java.util.Base64;

/** Mints 128-bit URL-safe lease tokens from the per-thread CSPRNG. */
public final class LeaseTokens {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private LeaseTokens() {}

  /** A fresh 22-character token. */
  public static String next() {
    byte[] bytes = new byte[16];
    Drbg.current().nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
