package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.idem.Collisions;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Collisions")
class CollisionsTest {

  @Test
  @DisplayName("10^15 keys of 128 bits collide with P = 1.4694e-9, not the guide's 1e-10")
  void quadrillionKeys() {
    // python3: -math.expm1(-n*(n-1)/2/2**128) with n = 1e15
    assertThat(Collisions.probability(1e15, 128))
        .isCloseTo(1.4693679374483368e-9, Percentage.withPercentage(1e-9));
  }

  @Test
  @DisplayName("keeps tiny probabilities that 1 - exp(-x) would round to zero")
  void tinyProbabilities() {
    assertThat(Collisions.probability(2, 128))
        .isCloseTo(2.938735877055719e-39, Percentage.withPercentage(1e-9));
    assertThat(1 - Math.exp(-Math.scalb(1.0, -128))).as("the naive formula").isZero();
  }

  @Test
  @DisplayName("handles the edges: fewer than two keys, more keys than values")
  void edges() {
    assertThat(Collisions.probability(0, 128)).isZero();
    assertThat(Collisions.probability(1, 8)).isZero();
    assertThat(Collisions.probability(257, 8)).isEqualTo(1.0);
    assertThat(Collisions.probability(1e300, 512)).isBetween(0.0, 1.0);
  }

  @Test
  @DisplayName("inverts: 64-bit keys reach P = 0.5 at 5.06e9 keys, and round-trips")
  void inverse() {
    assertThat(Collisions.keysForProbability(0.5, 64)).isCloseTo(5056937541.186587, within(1.0));
    for (double p : new double[] {1e-30, 1e-12, 1e-6, 0.01, 0.5, 0.99}) {
      for (int bits : new int[] {64, 80, 122, 128, 256}) {
        double n = Collisions.keysForProbability(p, bits);
        assertThat(n).as("two keys are the fewest that can collide").isGreaterThanOrEqualTo(2);
        if (n == 2) {
          // The target is below what one pair gives.
          assertThat(Collisions.probability(2, bits)).isGreaterThanOrEqualTo(p);
          continue;
        }
        assertThat(Collisions.probability(n, bits)).isCloseTo(p, Percentage.withPercentage(1e-6));
      }
    }
    assertThat(Collisions.keysForProbability(1e-30, 64)).isEqualTo(2);
    assertThatThrownBy(() -> Collisions.keysForProbability(1, 128))
        .hasMessageContaining("strictly between 0 and 1");
  }

  @Test
  @DisplayName("parses counts the way people write them")
  void parseCount() {
    assertThat(Collisions.parseCount("1000000")).isEqualTo(1e6);
    assertThat(Collisions.parseCount("1_000_000")).isEqualTo(1e6);
    assertThat(Collisions.parseCount("1,000,000")).isEqualTo(1e6);
    assertThat(Collisions.parseCount("1e15")).isEqualTo(1e15);
    assertThat(Collisions.parseCount("1E-9")).isEqualTo(1e-9);
    assertThat(Collisions.parseCount("2^64")).isEqualTo(Math.scalb(1.0, 64));
    assertThat(Collisions.parseCount(" 10^9 ")).isEqualTo(1e9);
    assertThatThrownBy(() -> Collisions.parseCount("lots")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Collisions.parseCount("-5")).hasMessageContaining("non-negative");
    assertThatThrownBy(() -> Collisions.parseCount("10^400")).hasMessageContaining("finite");
  }
}
