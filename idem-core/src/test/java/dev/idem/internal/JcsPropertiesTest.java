package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.internal.JsonValue.JsonArray;
import dev.idem.internal.JsonValue.JsonLiteral;
import dev.idem.internal.JsonValue.JsonNumber;
import dev.idem.internal.JsonValue.JsonObject;
import dev.idem.internal.JsonValue.JsonString;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

@Label("RFC 8785 canonical form, as properties")
class JcsPropertiesTest {

  @Property(tries = 300)
  @Label("does not depend on member order, whitespace, escapes or number spelling")
  void invariantUnderReformatting(@ForAll("json") JsonValue value, @ForAll long seed) {
    String reformatted = Reformatter.write(value, new Random(seed));
    JsonValue reparsed = JsonParser.parse(reformatted.getBytes(StandardCharsets.UTF_8));
    assertThat(JsonCanonicalizer.canonicalize(reparsed))
        .isEqualTo(JsonCanonicalizer.canonicalize(value));
  }

  @Property(tries = 300)
  @Label("reads back as the value it was written from")
  void roundTrips(@ForAll("json") JsonValue value) {
    assertThat(JsonParser.parse(JsonCanonicalizer.canonicalize(value))).isEqualTo(value);
  }

  @Property(tries = 2000)
  @Label("writes every finite double so that it reads back as the same double")
  void numbersRoundTrip(@ForAll long bits) {
    double value = Double.longBitsToDouble(bits);
    if (Double.isFinite(value)) {
      String text = JsonCanonicalizer.formatNumber(value);
      assertThat(Double.parseDouble(text)).isEqualTo(value == 0 ? 0.0 : value);
      assertThat(text.length()).isLessThanOrEqualTo(Double.toString(value).length() + 4);
    }
  }

  @Provide
  Arbitrary<JsonValue> json() {
    return Arbitraries.randomValue(random -> Trees.value(random, 0));
  }

  /** Random JSON trees with the awkward corners: escapes, astral characters, extreme numbers. */
  static final class Trees {
    private static final String ALPHABET =
        "aZ0 \"\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u2028\u20ac\ufb33";

    static JsonValue value(Random random, int depth) {
      int kind = random.nextInt(depth > 3 ? 5 : 7);
      switch (kind) {
        case 0:
          return new JsonString(string(random));
        case 1:
          return new JsonNumber(number(random));
        case 2:
          return JsonLiteral.values()[random.nextInt(3)];
        case 3:
          return new JsonNumber(random.nextInt(2001) - 1000);
        case 4:
          return new JsonString(random.nextBoolean() ? "" : string(random));
        case 5:
          {
            List<JsonValue> elements = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
              elements.add(value(random, depth + 1));
            }
            return new JsonArray(elements);
          }
        default:
          {
            Map<String, JsonValue> members = new LinkedHashMap<>();
            for (int i = random.nextInt(6); i > 0; i--) {
              members.put(string(random), value(random, depth + 1));
            }
            return new JsonObject(members);
          }
      }
    }

    static String string(Random random) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(6); i > 0; i--) {
        if (random.nextInt(8) == 0) {
          s.appendCodePoint(0x10000 + random.nextInt(0x100000));
        } else {
          s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
      }
      return s.toString();
    }

    static double number(Random random) {
      double value;
      do {
        switch (random.nextInt(3)) {
          case 0:
            value = Double.longBitsToDouble(random.nextLong());
            break;
          case 1:
            value = (random.nextInt(2_000_001) - 1_000_000) / Math.pow(10, random.nextInt(8));
            break;
          default:
            value = random.nextGaussian() * Math.pow(10, random.nextInt(50) - 25);
        }
      } while (!Double.isFinite(value));
      // -0 reads back as 0, which is the same canonical form but not the same double.
      return value == 0 ? 0.0 : value;
    }
  }

  /** Writes valid JSON for a tree in one of the many ways a client might. */
  static final class Reformatter {
    private final Random random;
    private final StringBuilder out = new StringBuilder();

    private Reformatter(Random random) {
      this.random = random;
    }

    static String write(JsonValue value, Random random) {
      Reformatter writer = new Reformatter(random);
      writer.space();
      writer.value(value);
      writer.space();
      return writer.out.toString();
    }

    private void value(JsonValue value) {
      if (value instanceof JsonObject object) {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(object.members().entrySet());
        Collections.shuffle(members, random);
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          space();
          if (i > 0) {
            out.append(',');
            space();
          }
          string(members.get(i).getKey());
          space();
          out.append(':');
          space();
          value(members.get(i).getValue());
        }
        space();
        out.append('}');
      } else if (value instanceof JsonArray array) {
        out.append('[');
        for (int i = 0; i < array.elements().size(); i++) {
          space();
          if (i > 0) {
            out.append(',');
            space();
          }
          value(array.elements().get(i));
        }
        space();
        out.append(']');
      } else if (value instanceof JsonString string) {
        string(string.value());
      } else if (value instanceof JsonNumber number) {
        out.append(number(number.value()));
      } else {
        out.append(value.toString().toLowerCase(Locale.ROOT));
      }
    }

    private String number(double value) {
      switch (random.nextInt(4)) {
        case 0:
          return JsonCanonicalizer.formatNumber(value);
        case 1:
          return Double.toString(value);
        case 2:
          return new BigDecimal(value).toString();
        default:
          return new BigDecimal(value)
              .toPlainString()
              .replace("E", random.nextBoolean() ? "e" : "E");
      }
    }

    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
          // A pair is written as is or as two escapes, never half and half.
          char low = s.charAt(++i);
          out.append(
              random.nextBoolean()
                  ? "" + c + low
                  : String.format("\\u%04x\\u%04X", (int) c, (int) low));
          continue;
        }
        boolean mustEscape = c < 0x20 || c == '"' || c == '\\';
        if (mustEscape || random.nextInt(4) == 0) {
          String escape = String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c);
          if (c == '"' || c == '\\' || (c == '/' && random.nextBoolean())) {
            escape = random.nextBoolean() ? "\\" + c : escape;
          } else if (c == '\n' && random.nextBoolean()) {
            escape = "\\n";
          }
          out.append(escape);
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }

    private void space() {
      for (int i = random.nextInt(3); i > 0; i--) {
        out.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }
  }
}
