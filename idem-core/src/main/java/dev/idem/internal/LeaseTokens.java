package dev.idem.internal;

/** Mints 128-bit URL-safe lease tokens from the per-thread CSPRNG. */
public final class LeaseTokens {
  private LeaseTokens() {}

  /** A fresh 22-character token. */
  public static String next() {
    try (Drbg random = Drbg.acquire()) {
      return random.nextBase64Url128();
    }
  }
}
