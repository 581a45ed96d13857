package dev.idem.http;

import java.util.Locale;
import java.util.Objects;

/**
 * The answers that differ between the conventions an API may follow. Immutable.
 *
 * @param name the profile's name, e.g. {@code ietf}
 * @param mismatchStatus the status for a key reused with a different request: 422 in the IETF
 *     draft, 400 at Stripe
 */
public record HttpProfile(String name, int mismatchStatus) {

  private static final HttpProfile IETF = new HttpProfile("ietf", 422);
  private static final HttpProfile STRIPE = new HttpProfile("stripe", 400);

  /**
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is blank or {@code mismatchStatus} is not a 4xx
   */
  public HttpProfile {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (mismatchStatus < 400 || mismatchStatus > 499) {
      throw new IllegalArgumentException(
          "mismatchStatus must be a client error (4xx), was " + mismatchStatus);
    }
  }

  /** The default: the IETF {@code Idempotency-Key} draft; a mismatch is 422. */
  public static HttpProfile ietf() {
    return IETF;
  }

  /** Stripe's conventions: a mismatch is 400. */
  public static HttpProfile stripe() {
    return STRIPE;
  }

  /**
   * The built-in profile with this name, for configuration files.
   *
   * @throws IllegalArgumentException if no built-in profile has this name
   * @throws NullPointerException if {@code name} is null
   */
  public static HttpProfile named(String name) {
    Objects.requireNonNull(name, "name");
    switch (name.toLowerCase(Locale.ROOT)) {
      case "ietf":
        return IETF;
      case "stripe":
        return STRIPE;
      default:
        throw new IllegalArgumentException(
            "unknown HTTP profile '" + name + "'; known: ietf, stripe");
    }
  }
}
