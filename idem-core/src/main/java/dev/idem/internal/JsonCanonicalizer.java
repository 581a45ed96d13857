package dev.idem.internal;

import dev.idem.internal.JsonValue.JsonArray;
import dev.idem.internal.JsonValue.JsonLiteral;
import dev.idem.internal.JsonValue.JsonNumber;
import dev.idem.internal.JsonValue.JsonObject;
import dev.idem.internal.JsonValue.JsonString;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the RFC 8785 (JCS) canonical form of a JSON value as UTF-8: members sorted by UTF-16 code
 * units, strings escaped and numbers formatted exactly as ECMAScript's {@code JSON.stringify}.
 */
public final class JsonCanonicalizer {
  /** Receives the canonical bytes, e.g. {@code MessageDigest::update}. */
  @FunctionalInterface
  public interface Sink {
    /** Takes {@code length} bytes of {@code bytes} from {@code offset}. */
    void write(byte[] bytes, int offset, int length);
  }

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  // Below 2^53 every integer is a double and its own shortest representation.
  private static final double EXACT_INTEGERS = 0x1p53;

  private final Sink sink;
  private final byte[] buf = new byte[8192];
  private int size;

  private JsonCanonicalizer(Sink sink) {
    this.sink = sink;
  }

  /**
   * Writes the canonical form of {@code value}, leaving out {@code exclusions}, to {@code sink}.
   */
  public static void write(JsonValue value, FieldExclusions exclusions, Sink sink) {
    JsonCanonicalizer writer = new JsonCanonicalizer(sink);
    writer.value(value, exclusions == FieldExclusions.NONE ? null : exclusions);
    writer.flush();
  }

  /** The canonical form of {@code value}. */
  public static byte[] canonicalize(JsonValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(value, FieldExclusions.NONE, out::write);
    return out.toByteArray();
  }

  private void value(JsonValue value, @Nullable FieldExclusions exclusions) {
    if (value instanceof JsonObject object) {
      object(object.members(), exclusions);
    } else if (value instanceof JsonArray array) {
      array(array.elements(), exclusions);
    } else if (value instanceof JsonString string) {
      string(string.value());
    } else if (value instanceof JsonNumber number) {
      ascii(formatNumber(number.value()));
    } else {
      JsonLiteral literal = (JsonLiteral) value;
      ascii(literal == JsonLiteral.TRUE ? "true" : literal == JsonLiteral.FALSE ? "false" : "null");
    }
  }

  private void object(Map<String, JsonValue> members, @Nullable FieldExclusions exclusions) {
    List<String> names = new ArrayList<>(members.keySet());
    // String.compareTo compares UTF-16 code units, which is the order RFC 8785 section 3.2.3 asks.
    names.sort(null);
    put('{');
    boolean first = true;
    for (String name : names) {
      FieldExclusions below = exclusions == null ? null : exclusions.child(name);
      if (below != null && below.excluded()) {
        continue;
      }
      if (!first) {
        put(',');
      }
      first = false;
      string(name);
      put(':');
      value(members.get(name), below);
    }
    put('}');
  }

  private void array(List<JsonValue> elements, @Nullable FieldExclusions exclusions) {
    put('[');
    boolean first = true;
    for (int i = 0; i < elements.size(); i++) {
      FieldExclusions below = exclusions == null ? null : exclusions.child(Integer.toString(i));
      if (below != null && below.excluded()) {
        continue;
      }
      if (!first) {
        put(',');
      }
      first = false;
      value(elements.get(i), below);
    }
    put(']');
  }

  // ECMAScript QuoteJSONString, including the well-formed JSON.stringify escape of lone surrogates.
  private void string(String s) {
    put('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          put('\\');
          put('"');
          break;
        case '\\':
          put('\\');
          put('\\');
          break;
        case '\b':
          put('\\');
          put('b');
          break;
        case '\f':
          put('\\');
          put('f');
          break;
        case '\n':
          put('\\');
          put('n');
          break;
        case '\r':
          put('\\');
          put('r');
          break;
        case '\t':
          put('\\');
          put('t');
          break;
        default:
          if (c < 0x20) {
            unicodeEscape(c);
          } else if (c < 0x80) {
            put(c);
          } else if (c < 0x800) {
            put(0xC0 | (c >> 6));
            put(0x80 | (c & 0x3F));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(++i));
            put(0xF0 | (cp >> 18));
            put(0x80 | ((cp >> 12) & 0x3F));
            put(0x80 | ((cp >> 6) & 0x3F));
            put(0x80 | (cp & 0x3F));
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
          } else {
            put(0xE0 | (c >> 12));
            put(0x80 | ((c >> 6) & 0x3F));
            put(0x80 | (c & 0x3F));
          }
      }
    }
    put('"');
  }

  private void unicodeEscape(char c) {
    put('\\');
    put('u');
    put(HEX[(c >> 12) & 0xF]);
    put(HEX[(c >> 8) & 0xF]);
    put(HEX[(c >> 4) & 0xF]);
    put(HEX[c & 0xF]);
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      put(s.charAt(i));
    }
  }

  private void put(int b) {
    if (size == buf.length) {
      flush();
    }
    buf[size++] = (byte) b;
  }

  private void flush() {
    if (size > 0) {
      sink.write(buf, 0, size);
      size = 0;
    }
  }

  /**
   * Formats {@code value} as ECMAScript's {@code Number.prototype.toString()} does (ECMA-262
   * Number::toString, radix 10): the shortest digits that read back as {@code value}, the closest
   * to it when several are that short, exponent form outside [1e-7, 1e21), {@code -0} as "0".
   *
   * @throws IllegalArgumentException if {@code value} is NaN or infinite: JSON has neither
   */
  public static String formatNumber(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("JSON has no " + value);
    }
    if (value == 0) {
      return "0";
    }
    if (value < 0) {
      return "-" + formatNumber(-value);
    }
    if (value < EXACT_INTEGERS && value == Math.rint(value)) {
      String integer = Long.toString((long) value);
      return ecmaScriptLayout(stripTrailingZeros(integer), integer.length());
    }
    if (value >= Double.MIN_NORMAL) {
      String layout = fromDoubleToString(value);
      if (layout != null) {
        return layout;
      }
    }
    return formatPositiveExactly(value);
  }

  /** {@link #formatNumber} for a positive finite double, always by the exact algorithm. */
  static String formatPositiveExactly(double value) {
    StringBuilder digits = new StringBuilder(17);
    int exponent = shortestDigits(value, digits);
    return ecmaScriptLayout(digits.toString(), exponent);
  }

  // The fast path for the numbers JSON usually holds (prices, ratios). A normal double's rounding
  // interval is narrower than the gap between decimals of 15 significant digits (2^-52 < 10^-15,
  // relatively), so it holds at most one of them: when Double.toString's answer has at most 15
  // digits it is the only, hence shortest and closest, candidate. Null when it has more.
  private static @Nullable String fromDoubleToString(double value) {
    String text = Double.toString(value);
    int e = text.indexOf('E');
    String mantissa = e < 0 ? text : text.substring(0, e);
    int dot = mantissa.indexOf('.');
    String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    int exponent = dot + (e < 0 ? 0 : Integer.parseInt(text.substring(e + 1)));
    int leading = 0;
    while (leading < digits.length() - 1 && digits.charAt(leading) == '0') {
      leading++;
    }
    digits = stripTrailingZeros(digits.substring(leading));
    if (digits.length() > 15) {
      return null;
    }
    return ecmaScriptLayout(digits, exponent - leading);
  }

  // Java 17's Double.toString is not always shortest (JDK-4511638), so this is the free-format
  // algorithm of Burger and Dybvig ("Printing Floating-Point Numbers Quickly and Accurately", 1996)
  // in exact integer arithmetic: v = r/s, and m+/s, m-/s are the distances to the ends of the
  // interval that reads back as v (ends included when the significand is even, as round-half-even
  // reading does). It emits digits until the rest fits in the interval, so it stops at the
  // shortest, and picks the closer of the two last digits (ties: the even one) as ECMA-262 asks.
  // It works on the small integers r, s, m+, m-, not on the up to 767 exact digits of the double,
  // which keeps hostile bodies of subnormal numbers cheap. Appends the digits to out and returns
  // the exponent n with value = 0.digits × 10^n.
  private static int shortestDigits(double value, StringBuilder out) {
    long bits = Double.doubleToRawLongBits(value);
    int biased = (int) (bits >>> 52) & 0x7FF;
    long fraction = bits & ((1L << 52) - 1);
    long significand = biased == 0 ? fraction : fraction | (1L << 52);
    int e = biased == 0 ? -1074 : biased - 1075;
    boolean even = (significand & 1) == 0;
    // At a power of two the gap below is half the gap above, except in the lowest binade.
    boolean unequalGaps = fraction == 0 && biased > 1;
    BigInteger f = BigInteger.valueOf(significand);
    BigInteger r;
    BigInteger s;
    BigInteger mPlus;
    BigInteger mMinus;
    if (e >= 0) {
      BigInteger gap = BigInteger.ONE.shiftLeft(e);
      if (unequalGaps) {
        r = f.shiftLeft(e + 2);
        s = BigInteger.valueOf(4);
        mPlus = gap.shiftLeft(1);
      } else {
        r = f.shiftLeft(e + 1);
        s = BigInteger.TWO;
        mPlus = gap;
      }
      mMinus = gap;
    } else if (unequalGaps) {
      r = f.shiftLeft(2);
      s = BigInteger.ONE.shiftLeft(2 - e);
      mPlus = BigInteger.TWO;
      mMinus = BigInteger.ONE;
    } else {
      r = f.shiftLeft(1);
      s = BigInteger.ONE.shiftLeft(1 - e);
      mPlus = BigInteger.ONE;
      mMinus = BigInteger.ONE;
    }
    // An estimate of the decimal exponent that is right or one too low; the check below fixes it.
    int k = (int) Math.ceil(Math.log10(value) - 1e-10);
    if (k >= 0) {
      s = s.multiply(PowersOfTen.of(k));
    } else {
      BigInteger scale = PowersOfTen.of(-k);
      r = r.multiply(scale);
      mPlus = mPlus.multiply(scale);
      mMinus = mMinus.multiply(scale);
    }
    if (reachesHigh(r, mPlus, s, even)) {
      k++;
    } else {
      r = r.multiply(BigInteger.TEN);
      mPlus = mPlus.multiply(BigInteger.TEN);
      mMinus = mMinus.multiply(BigInteger.TEN);
    }
    while (true) {
      BigInteger[] quotientAndRemainder = r.divideAndRemainder(s);
      int digit = quotientAndRemainder[0].intValue();
      r = quotientAndRemainder[1];
      boolean low = even ? r.compareTo(mMinus) <= 0 : r.compareTo(mMinus) < 0;
      boolean high = reachesHigh(r, mPlus, s, even);
      if (!low && !high) {
        out.append((char) ('0' + digit));
        r = r.multiply(BigInteger.TEN);
        mPlus = mPlus.multiply(BigInteger.TEN);
        mMinus = mMinus.multiply(BigInteger.TEN);
        continue;
      }
      if (low && high) {
        int order = r.shiftLeft(1).compareTo(s);
        high = order > 0 || (order == 0 && digit % 2 == 1);
      }
      // The last digit never becomes 10: the loop continued only while r + m+ stayed below s.
      out.append((char) ('0' + (high ? digit + 1 : digit)));
      return k;
    }
  }

  private static boolean reachesHigh(
      BigInteger r, BigInteger mPlus, BigInteger s, boolean endsIncluded) {
    int order = r.add(mPlus).compareTo(s);
    return endsIncluded ? order >= 0 : order > 0;
  }

  /** 10^0 to 10^340, the most the exponents of doubles need, made once on first use. */
  private static final class PowersOfTen {
    private static final BigInteger[] POWERS = new BigInteger[341];

    static {
      POWERS[0] = BigInteger.ONE;
      for (int i = 1; i < POWERS.length; i++) {
        POWERS[i] = POWERS[i - 1].multiply(BigInteger.TEN);
      }
    }

    static BigInteger of(int exponent) {
      return POWERS[exponent];
    }
  }

  private static String ecmaScriptLayout(String digits, int n) {
    int k = digits.length();
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    int e = n - 1;
    String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "e" + (e < 0 ? "-" : "+") + Math.abs(e);
  }

  private static String stripTrailingZeros(String integer) {
    int end = integer.length();
    while (end > 1 && integer.charAt(end - 1) == '0') {
      end--;
    }
    return integer.substring(0, end);
  }
}
