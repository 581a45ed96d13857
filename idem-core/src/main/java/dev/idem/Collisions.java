package dev.idem;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * Birthday-bound collision maths for random keys: how likely n keys of b random bits contain a
 * duplicate, and how many keys reach a given probability.
 *
 * <p>{@code P = 1 - e^(-n(n-1)/2N)} with {@code N = 2^bits}, computed as {@code -expm1(-x)} so that
 * probabilities far below 1e-16 keep their digits instead of rounding to zero. For example 10^15
 * keys of 128 bits collide with probability about 1.47e-9 (the often-quoted 1e-10 is an order of
 * magnitude too optimistic).
 *
 * <p>Stateless and thread-safe.
 */
public final class Collisions {
  private Collisions() {}

  /**
   * The probability that {@code keys} independent uniformly random keys of {@code bits} bits
   * contain at least one duplicate.
   *
   * @throws IllegalArgumentException if {@code keys} is negative or not finite, or {@code bits} is
   *     not 1 to 512
   */
  public static double probability(double keys, int bits) {
    requireKeys(keys);
    requireBits(bits);
    if (keys < 2) {
      return 0;
    }
    if (keys > Math.scalb(1.0, bits)) {
      return 1; // more keys than distinct values: a duplicate is certain
    }
    // Exponent first, then scale: n(n-1)/2 can exceed a double's range only past 1e154 keys.
    double pairs = keys * (keys - 1) / 2;
    double exponent = Math.scalb(pairs, -bits);
    return -Math.expm1(-exponent);
  }

  /**
   * How many keys of {@code bits} random bits it takes for the collision probability to reach
   * {@code probability}: the inverse of {@link #probability}. At least 2, the fewest keys that can
   * collide.
   *
   * @throws IllegalArgumentException if {@code probability} is not in (0, 1) or {@code bits} is not
   *     1 to 512
   */
  public static double keysForProbability(double probability, int bits) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException(
          "probability must be strictly between 0 and 1, was " + probability);
    }
    requireBits(bits);
    // n(n-1)/2N = -ln(1-P), solved for n; log1p keeps tiny P exact.
    double target = -Math.log1p(-probability);
    double scaled = Math.scalb(8 * target, bits);
    // Two keys are the fewest that can collide; when even two exceed the target, two it is.
    return Math.max(2, (1 + Math.sqrt(1 + scaled)) / 2);
  }

  /**
   * Parses a count as people write it: {@code 1000000}, {@code 1_000_000}, {@code 1,000,000},
   * {@code 1e15}, {@code 2^64}, {@code 10^9}, or a probability like {@code 1e-9}.
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if it is none of those, negative, or not finite
   */
  public static double parseCount(String text) {
    Objects.requireNonNull(text, "text");
    String cleaned = text.trim().replace("_", "").replace(",", "").toLowerCase(Locale.ROOT);
    double value;
    try {
      int caret = cleaned.indexOf('^');
      if (caret > 0) {
        double base = new BigDecimal(cleaned.substring(0, caret)).doubleValue();
        double exponent = new BigDecimal(cleaned.substring(caret + 1)).doubleValue();
        value = Math.pow(base, exponent);
      } else {
        value = new BigDecimal(cleaned).doubleValue();
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a number; write e.g. 1000000, 1_000_000, 1e15 or 2^64");
    }
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException("'" + text + "' must be a finite, non-negative number");
    }
    return value;
  }

  private static void requireKeys(double keys) {
    if (!Double.isFinite(keys) || keys < 0) {
      throw new IllegalArgumentException("keys must be finite and non-negative, was " + keys);
    }
  }

  private static void requireBits(int bits) {
    if (bits < 1 || bits > 512) {
      throw new IllegalArgumentException("bits must be 1 to 512, was " + bits);
    }
  }
}
