package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.BodyTooLargeException;
import dev.idem.MalformedBodyException;
import dev.idem.internal.JsonValue.JsonArray;
import dev.idem.internal.JsonValue.JsonLiteral;
import dev.idem.internal.JsonValue.JsonNumber;
import dev.idem.internal.JsonValue.JsonObject;
import dev.idem.internal.JsonValue.JsonString;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The strict JSON parser")
class JsonParserTest {

  private static JsonValue parse(String json) {
    return JsonParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonValue parseHex(String hex) {
    return JsonParser.parse(HexFormat.of().parseHex(hex));
  }

  @Nested
  @DisplayName("accepts")
  class Accepts {
    @Test
    @DisplayName("every kind of value, keeping member order")
    void everyKind() {
      assertThat(parse(" {\"b\": [1, -2.5e1, true, false, null], \"a\": \"x\"}\r\n\t"))
          .isEqualTo(
              new JsonObject(
                  Map.of(
                      "b",
                      new JsonArray(
                          List.of(
                              new JsonNumber(1),
                              new JsonNumber(-25),
                              JsonLiteral.TRUE,
                              JsonLiteral.FALSE,
                              JsonLiteral.NULL)),
                      "a",
                      new JsonString("x"))));
    }

    @Test
    @DisplayName("escapes, surrogate pairs and multi-byte UTF-8")
    void escapesAndUtf8() {
      assertThat(
              parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00\u20ac\u00f6\ud83d\ude00\""))
          .isEqualTo(new JsonString("\"\\/\b\f\n\r\tA\ud83d\ude00\u20ac\u00f6\ud83d\ude00"));
    }

    @Test
    @DisplayName("numbers as the nearest double, underflow to zero included")
    void numbers() {
      assertThat(parse("0.1")).isEqualTo(new JsonNumber(0.1));
      assertThat(parse("-0")).isEqualTo(new JsonNumber(-0.0));
      assertThat(parse("1E+2")).isEqualTo(new JsonNumber(100));
      assertThat(parse("1e-400")).isEqualTo(new JsonNumber(0));
      assertThat(parse("333333333.33333329")).isEqualTo(new JsonNumber(333333333.3333333));
    }

    @Test
    @DisplayName("nesting up to 128 levels")
    void nestingAtTheLimit() {
      String json = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
      assertThat(parse(json)).isInstanceOf(JsonArray.class);
    }

    @Test
    @DisplayName("a stream that hands over one byte at a time, splitting every token")
    void oneByteAtATime() throws IOException {
      String json =
          "{\"k\\u00e9y\": [\"\u20ac\ud83d\ude00\", 12.5e-1, {\"n\": null}], \"t\": true}";
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      JsonValue streamed = JsonParser.parseOrEmpty(new OneByteAtATime(bytes), Long.MAX_VALUE);
      assertThat(streamed).isEqualTo(JsonParser.parse(bytes));
    }

    @Test
    @DisplayName("an empty stream as no value at all")
    void emptyStream() throws IOException {
      assertThat(JsonParser.parseOrEmpty(new ByteArrayInputStream(new byte[0]), 10)).isNull();
    }

    @Test
    @DisplayName("a stream exactly as long as its limit")
    void streamAtTheLimit() throws IOException {
      byte[] bytes = "[1, 2]".getBytes(StandardCharsets.US_ASCII);
      assertThat(JsonParser.parseOrEmpty(new ByteArrayInputStream(bytes), bytes.length))
          .isInstanceOf(JsonArray.class);
    }
  }

  @Nested
  @DisplayName("refuses with MalformedBodyException")
  class Refuses {
    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("documents that are not JSON, or not exactly one JSON value")
    @ValueSource(
        strings = {
          "",
          "   ",
          "{\"a\": 1",
          "[1,",
          "\"abc",
          "tru",
          "{\"a\"",
          "{\"a\" 1}",
          "[1,]",
          "{\"a\":1,}",
          "{'a':1}",
          "{a:1}",
          "[1 2]",
          "{} x",
          "{}{}",
          "01",
          "1.",
          ".5",
          "+1",
          "1e",
          "1e+",
          "-",
          "NaN",
          "Infinity",
          "-Infinity",
          "[1] // comment",
          "\"\\x\"",
          "\"\\u12G4\"",
          "\"a\u0001b\"",
          "\"tab\there\"",
          "\ufeff{}",
          "nul",
          "True",
        })
    void notJson(String json) {
      assertThatThrownBy(() -> parse(json)).isInstanceOf(MalformedBodyException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("numbers beyond the range of a double, which RFC 8785 cannot write")
    @ValueSource(strings = {"1e999999", "-1e400", "1e99999999999999999999", "[2e308]"})
    void nonFiniteNumbers(String json) {
      assertThatThrownBy(() -> parse(json))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageContaining("IEEE 754");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("invalid UTF-8: stray, overlong, truncated, encoded surrogates, beyond U+10FFFF")
    @ValueSource(
        strings = {
          "22c32822", // 0xC3 followed by '('
          "22c0af22", // overlong '/'
          "22e08080" + "22", // overlong NUL in three bytes
          "22eda08022", // encoded high surrogate
          "22edbfbf22", // encoded low surrogate
          "22f490808022", // U+110000
          "22e28222", // truncated euro sign
          "2280", // lone continuation byte
          "22ff22",
          "5b31c35d", // non-ASCII outside a string
        })
    void invalidUtf8(String hex) {
      assertThatThrownBy(() -> parseHex(hex)).isInstanceOf(MalformedBodyException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("lone surrogate escapes")
    @ValueSource(
        strings = {
          "\"\\uD800\"",
          "\"\\udc00\"",
          "\"\\uD800\\u0041\"",
          "\"\\uD800x\"",
          "\"\\uD800\\n\"",
          "\"\\uDE00\\uD83D\""
        })
    void loneSurrogates(String json) {
      assertThatThrownBy(() -> parse(json))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageContaining("surrogate");
    }

    @Test
    @DisplayName("duplicate member names, also when spelled differently, naming the offset")
    void duplicateNames() {
      assertThatThrownBy(() -> parse("{\"a\":1,\"a\":2}"))
          .isInstanceOfSatisfying(
              MalformedBodyException.class,
              e -> {
                assertThat(e.offset()).isEqualTo(7);
                assertThat(e.problem()).isEqualTo("duplicate object member name");
                assertThat(e.getMessage()).contains("byte 7");
              });
      assertThatThrownBy(() -> parse("{\"a\":1,\"\\u0061\":2}"))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageContaining("duplicate");
      assertThatThrownBy(() -> parse("[{\"x\":{\"b\":1,\"b\":1}}]"))
          .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    @DisplayName("nesting deeper than 128 levels, without a stack overflow however deep")
    void deepNesting() {
      String justOver = "[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1);
      assertThatThrownBy(() -> parse(justOver))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageContaining("nested deeper than 128");
      assertThatThrownBy(() -> parse("[".repeat(1_000_000)))
          .isInstanceOf(MalformedBodyException.class);
      assertThatThrownBy(() -> parse("{\"a\":".repeat(200_000)))
          .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    @DisplayName("with the byte offset of the problem, counted across stream chunks")
    void offsetAcrossChunks() {
      byte[] bytes = ("[" + "1,".repeat(10_000) + "x]").getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> JsonParser.parseOrEmpty(new ByteArrayInputStream(bytes), 1 << 20))
          .isInstanceOfSatisfying(
              MalformedBodyException.class, e -> assertThat(e.offset()).isEqualTo(20_001));
    }

    @Test
    @DisplayName("a message that names the problem but never quotes the body")
    void messageDoesNotQuoteTheBody() {
      assertThatThrownBy(() -> parse("{\"secret-card-number\":1,\"secret-card-number\":2}"))
          .isInstanceOf(MalformedBodyException.class)
          .message()
          .doesNotContain("secret")
          .doesNotContain("\n\tat ");
    }
  }

  @Nested
  @DisplayName("refuses with BodyTooLargeException")
  class TooLarge {
    @Test
    @DisplayName("a stream one byte over its limit, even if that byte is whitespace")
    void oneOver() {
      byte[] bytes = "[1, 2] ".getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(
              () -> JsonParser.parseOrEmpty(new ByteArrayInputStream(bytes), bytes.length - 1))
          .isInstanceOfSatisfying(
              BodyTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(bytes.length - 1));
    }

    @Test
    @DisplayName("a huge stream, reading no further than the chunk that crosses the limit")
    void hugeStream() {
      CountingZeros zeros = new CountingZeros();
      assertThatThrownBy(() -> JsonParser.parseOrEmpty(zeros, 1 << 20))
          .isInstanceOf(BodyTooLargeException.class);
      assertThat(zeros.served).isLessThan((1 << 20) + 64 * 1024);
    }
  }

  /** Returns one byte per read, to split every multi-byte sequence and escape. */
  static final class OneByteAtATime extends FilterInputStream {
    OneByteAtATime(byte[] bytes) {
      super(new ByteArrayInputStream(bytes));
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1));
    }
  }

  /** An endless array of zeros: "[0,0,0,…". */
  static final class CountingZeros extends InputStream {
    long served;

    @Override
    public int read() {
      return served++ == 0 ? '[' : (served % 2 == 0 ? '0' : ',');
    }
  }
}
