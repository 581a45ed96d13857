package dev.idem.internal;

import dev.idem.internal.JsonValue.JsonArray;
import dev.idem.internal.JsonValue.JsonLiteral;
import dev.idem.internal.JsonValue.JsonNumber;
import dev.idem.internal.JsonValue.JsonObject;
import dev.idem.internal.JsonValue.JsonString;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    BigDecimal shortest = shortest(value).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    // value = 0.digits × 10^exponent: the "n" of ECMA-262
    int exponent = digits.length() - shortest.scale();
    return ecmaScriptLayout(digits, exponent);
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

  // Java 17's Double.toString is not always shortest (JDK-4511638), so search for the shortest
  // round-tripping precision. Round-tripping is monotone in the precision (a p-digit decimal is
  // also a (p+1)-digit one), so a binary search over 1..17 digits finds the least.
  private static BigDecimal shortest(double value) {
    BigDecimal exact = new BigDecimal(value);
    // Most doubles that miss the fast path need 16 or 17 digits: probe those first.
    BigDecimal at16 = closestRoundTripping(exact, value, 16);
    if (at16 == null) {
      return Objects.requireNonNull(
          closestRoundTripping(exact, value, 17), "17 significant digits round-trip a double");
    }
    BigDecimal best = closestRoundTripping(exact, value, 15);
    if (best == null) {
      return at16;
    }
    int low = 1;
    int high = 15;
    while (low < high) {
      int mid = (low + high) >>> 1;
      BigDecimal candidate = closestRoundTripping(exact, value, mid);
      if (candidate != null) {
        high = mid;
        best = candidate;
      } else {
        low = mid + 1;
      }
    }
    return best;
  }

  // Of the two p-digit decimals either side of the exact value, the one that reads back as value
  // and is closer to it (ties: even last digit); any other p-digit decimal is farther away on the
  // same side, so it cannot read back if its neighbour does not.
  private static @Nullable BigDecimal closestRoundTripping(
      BigDecimal exact, double value, int precision) {
    BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
    BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
    boolean downOk = Double.parseDouble(down.toString()) == value;
    boolean upOk = Double.parseDouble(up.toString()) == value;
    if (downOk && upOk) {
      int order = exact.subtract(down).compareTo(up.subtract(exact));
      if (order < 0) {
        return down;
      }
      if (order > 0) {
        return up;
      }
      return down.unscaledValue().testBit(0) ? up : down;
    }
    return downOk ? down : upOk ? up : null;
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
