package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("RFC 8785 number serialisation")
class JcsNumberTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("matches the IEEE 754 table of RFC 8785 appendix B")
  @CsvSource(
      delimiter = ' ',
      value = {
        "0000000000000000 0",
        "8000000000000000 0",
        "0000000000000001 5e-324",
        "8000000000000001 -5e-324",
        "7fefffffffffffff 1.7976931348623157e+308",
        "ffefffffffffffff -1.7976931348623157e+308",
        "4340000000000000 9007199254740992",
        "c340000000000000 -9007199254740992",
        "4430000000000000 295147905179352830000",
        "44b52d02c7e14af5 9.999999999999997e+22",
        "44b52d02c7e14af6 1e+23",
        "44b52d02c7e14af7 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e 999999999999999700000",
        "444b1ae4d6e2ef4f 999999999999999900000",
        "444b1ae4d6e2ef50 1e+21",
        "3eb0c6f7a0b5ed8c 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d 0.000001",
        "41b3de4355555553 333333333.3333332",
        "41b3de4355555554 333333333.33333325",
        "41b3de4355555555 333333333.3333333",
        "41b3de4355555556 333333333.3333334",
        "41b3de4355555557 333333333.33333343",
        "becbf647612f3696 -0.0000033333333333333333",
        "43143ff3c1cb0959 1424953923781206.2",
      })
  void appendixB(String bits, String expected) {
    assertThat(JsonCanonicalizer.formatNumber(fromHex(bits))).isEqualTo(expected);
  }

  @Test
  @DisplayName("matches JSON.stringify of Node.js for every double in the committed fixture")
  void matchesEcmaScriptEngine() throws IOException {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    try (InputStream in =
            Objects.requireNonNull(
                getClass().getResourceAsStream("/fingerprint/numbers.txt"), "numbers.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String[] parts = line.split(" ");
        String actual = JsonCanonicalizer.formatNumber(fromHex(parts[0]));
        if (!actual.equals(parts[1])) {
          failures.add(parts[0] + ": expected " + parts[1] + ", got " + actual);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(4000);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("is shorter than Java 17's Double.toString where that is not shortest")
  void shorterThanDoubleToString() {
    assertThat(JsonCanonicalizer.formatNumber(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(JsonCanonicalizer.formatNumber(2.0E-3)).isEqualTo("0.002");
    assertThat(JsonCanonicalizer.formatNumber(1.0E23)).isEqualTo("1e+23");
  }

  @Test
  @DisplayName("lays out integers, fractions and exponents as ECMAScript does")
  void layout() {
    assertThat(JsonCanonicalizer.formatNumber(1)).isEqualTo("1");
    assertThat(JsonCanonicalizer.formatNumber(-1.5)).isEqualTo("-1.5");
    assertThat(JsonCanonicalizer.formatNumber(100)).isEqualTo("100");
    assertThat(JsonCanonicalizer.formatNumber(1e20)).isEqualTo("100000000000000000000");
    assertThat(JsonCanonicalizer.formatNumber(1e-7)).isEqualTo("1e-7");
    assertThat(JsonCanonicalizer.formatNumber(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(JsonCanonicalizer.formatNumber(0.1)).isEqualTo("0.1");
    assertThat(JsonCanonicalizer.formatNumber(123.456)).isEqualTo("123.456");
    assertThat(JsonCanonicalizer.formatNumber(-0.0)).isEqualTo("0");
  }

  @Test
  @DisplayName("refuses NaN and the infinities, which JSON cannot hold")
  void refusesNonFinite() {
    for (double value :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> JsonCanonicalizer.formatNumber(value))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("formats a megabyte of subnormal numbers (regression: the digit search took 5 s)")
  void subnormalsAreFormatted() {
    byte[] body =
        ("[" + "4.9e-322,".repeat(110_000) + "1e-320]").getBytes(StandardCharsets.US_ASCII);
    JsonValue parsed = JsonParser.parse(body);
    // Speed is measured in idem-bench (FingerprintBenchmark), not timed here.
    byte[] canonical = JsonCanonicalizer.canonicalize(parsed);
    assertThat(new String(canonical, StandardCharsets.US_ASCII))
        .startsWith("[4.9e-322,")
        .endsWith(",1e-320]");
  }

  private static double fromHex(String bits) {
    return Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
  }
}
