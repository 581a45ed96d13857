package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

@Label("RFC 8785 number serialisation, as properties")
class JcsNumberPropertiesTest {

  @Property(tries = 3000)
  @Label("agrees with a slow reference search, with and without the Double.toString shortcut")
  void agreesWithReference(@ForAll("doubles") double value) {
    String expected = Reference.format(value);
    assertThat(JsonCanonicalizer.formatNumber(value)).isEqualTo(expected);
    if (value > 0) {
      assertThat(JsonCanonicalizer.formatPositiveExactly(value)).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<Double> doubles() {
    Arbitrary<Double> anyBits =
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
    Arbitrary<Double> fewDigits =
        Arbitraries.longs()
            .between(1, 999_999_999_999_999L)
            .flatMap(
                digits ->
                    Arbitraries.integers()
                        .between(-340, 300)
                        .map(exponent -> Double.parseDouble(digits + "e" + exponent)));
    Arbitrary<Double> subnormals =
        Arbitraries.longs().between(1, (1L << 52) - 1).map(Double::longBitsToDouble);
    return Arbitraries.oneOf(anyBits, fewDigits, subnormals).filter(Double::isFinite);
  }

  /**
   * The obvious, slow way: for each precision p, the p-digit decimals just below and above the
   * exact value; the least p where one reads back, the closer of the two (ties: even).
   */
  static final class Reference {
    static String format(double value) {
      if (value == 0) {
        return "0";
      }
      if (value < 0) {
        return "-" + format(-value);
      }
      BigDecimal exact = new BigDecimal(value);
      for (int p = 1; p <= 17; p++) {
        BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
        BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
        boolean downOk = Double.parseDouble(down.toString()) == value;
        boolean upOk = Double.parseDouble(up.toString()) == value;
        if (downOk || upOk) {
          BigDecimal best;
          if (downOk && upOk) {
            int order = exact.subtract(down).compareTo(up.subtract(exact));
            best = order < 0 || (order == 0 && !down.unscaledValue().testBit(0)) ? down : up;
          } else {
            best = downOk ? down : up;
          }
          return layout(best.stripTrailingZeros());
        }
      }
      throw new AssertionError("17 digits always read back");
    }

    // ECMA-262 Number::toString, steps 5 to 10.
    private static String layout(BigDecimal decimal) {
      String digits = decimal.unscaledValue().toString();
      int k = digits.length();
      int n = k - decimal.scale();
      if (k <= n && n <= 21) {
        return digits + "0".repeat(n - k);
      } else if (0 < n && n <= 21) {
        return digits.substring(0, n) + "." + digits.substring(n);
      } else if (-6 < n && n <= 0) {
        return "0." + "0".repeat(-n) + digits;
      }
      String exponent = (n - 1 < 0 ? "-" : "+") + Math.abs(n - 1);
      return (k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1)) + "e" + exponent;
    }
  }
}
