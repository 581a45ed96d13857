package dev.idem.internal;

import dev.idem.BodyTooLargeException;
import dev.idem.MalformedBodyException;
import dev.idem.internal.JsonValue.JsonArray;
import dev.idem.internal.JsonValue.JsonLiteral;
import dev.idem.internal.JsonValue.JsonNumber;
import dev.idem.internal.JsonValue.JsonObject;
import dev.idem.internal.JsonValue.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 JSON parser for RFC 8785 input: UTF-8 validated, nesting bounded, duplicate
 * member names, lone surrogates and non-finite numbers refused; reads a stream once, in chunks.
 */
public final class JsonParser {
  /** Deepest nesting of objects and arrays accepted; bounds the parser's recursion. */
  public static final int MAX_DEPTH = 128;

  private static final int CHUNK = 8192;
  // Shared because a hostile body of "[[],[],…" would otherwise cost a collection per two bytes.
  private static final JsonObject EMPTY_OBJECT = new JsonObject(Map.of());
  private static final JsonArray EMPTY_ARRAY = new JsonArray(List.of());
  private static final int EOF = -1;

  private final @Nullable InputStream in;
  private final long maxBytes;
  private final byte[] buf;
  private int pos;
  private int end;
  // Document offset of buf[0]; negative when parsing a slice that starts inside an array.
  private long base;

  private JsonParser(@Nullable InputStream in, long maxBytes, byte[] buf, int pos, int end) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = -pos;
  }

  /**
   * Parses {@code length} bytes of {@code bytes} from {@code offset} as one JSON document.
   *
   * @throws MalformedBodyException if they are not one valid JSON document, or are empty
   */
  public static JsonValue parse(byte[] bytes, int offset, int length) {
    JsonParser parser = new JsonParser(null, Long.MAX_VALUE, bytes, offset, offset + length);
    try {
      return parser.document();
    } catch (IOException e) {
      throw new AssertionError("no I/O on an array", e);
    }
  }

  /**
   * Parses {@code bytes} as one JSON document.
   *
   * @throws MalformedBodyException if they are not one valid JSON document, or are empty
   */
  public static JsonValue parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Reads {@code in} to its end as one JSON document, or returns null if it has no bytes at all.
   * Does not close the stream.
   *
   * @throws MalformedBodyException if it is not one valid JSON document
   * @throws BodyTooLargeException if it holds more than {@code maxBytes} bytes
   * @throws IOException if reading fails
   */
  public static @Nullable JsonValue parseOrEmpty(InputStream in, long maxBytes) throws IOException {
    JsonParser parser = new JsonParser(in, maxBytes, new byte[CHUNK], 0, 0);
    if (parser.peek() == EOF) {
      return null;
    }
    return parser.document();
  }

  private JsonValue document() throws IOException {
    skipWhitespace();
    if (peek() == EOF) {
      throw fail(offset(), "the body holds no JSON value");
    }
    JsonValue value = value(0);
    skipWhitespace();
    if (peek() != EOF) {
      throw fail(offset(), "unexpected data after the JSON value");
    }
    return value;
  }

  private JsonValue value(int depth) throws IOException {
    int c = peek();
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        pos++;
        return new JsonString(string());
      case 't':
        literal("true");
        return JsonLiteral.TRUE;
      case 'f':
        literal("false");
        return JsonLiteral.FALSE;
      case 'n':
        literal("null");
        return JsonLiteral.NULL;
      case EOF:
        throw fail(offset(), "the body ends where a value should start");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw fail(offset(), "expected a value, found " + describe(c));
    }
  }

  private JsonValue object(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw fail(offset(), "objects and arrays are nested deeper than " + MAX_DEPTH + " levels");
    }
    pos++; // '{'
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return EMPTY_OBJECT;
    }
    Map<String, JsonValue> members = new LinkedHashMap<>();
    while (true) {
      skipWhitespace();
      long nameAt = offset();
      if (peek() != '"') {
        throw fail(nameAt, "expected a member name in double quotes, found " + describe(peek()));
      }
      pos++;
      String name = string();
      if (members.containsKey(name)) {
        // RFC 8785 section 3.1: a document with duplicate names has no canonical form.
        throw fail(nameAt, "duplicate object member name");
      }
      skipWhitespace();
      expect(':', "':' after a member name");
      skipWhitespace();
      members.put(name, value(depth));
      skipWhitespace();
      long at = offset();
      int c = next();
      if (c == '}') {
        return new JsonObject(members);
      }
      if (c != ',') {
        throw fail(at, "expected ',' or '}' in an object, found " + describe(c));
      }
    }
  }

  private JsonValue array(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw fail(offset(), "objects and arrays are nested deeper than " + MAX_DEPTH + " levels");
    }
    pos++; // '['
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return EMPTY_ARRAY;
    }
    List<JsonValue> elements = new ArrayList<>();
    while (true) {
      skipWhitespace();
      elements.add(value(depth));
      skipWhitespace();
      long at = offset();
      int c = next();
      if (c == ']') {
        return new JsonArray(elements);
      }
      if (c != ',') {
        throw fail(at, "expected ',' or ']' in an array, found " + describe(c));
      }
    }
  }

  private String string() throws IOException {
    StringBuilder out = new StringBuilder();
    while (true) {
      long at = offset();
      int c = next();
      if (c == '"') {
        return out.toString();
      } else if (c == '\\') {
        escape(at, out);
      } else if (c == EOF) {
        throw fail(at, "the body ends inside a string");
      } else if (c < 0x20) {
        throw fail(at, "control character " + describe(c) + " in a string must be escaped");
      } else if (c < 0x80) {
        out.append((char) c);
      } else {
        utf8(at, c, out);
      }
    }
  }

  private void escape(long at, StringBuilder out) throws IOException {
    int c = next();
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.append((char) c);
        return;
      case 'b':
        out.append('\b');
        return;
      case 'f':
        out.append('\f');
        return;
      case 'n':
        out.append('\n');
        return;
      case 'r':
        out.append('\r');
        return;
      case 't':
        out.append('\t');
        return;
      case 'u':
        char unit = hex4();
        if (Character.isLowSurrogate(unit)) {
          throw fail(at, "lone low surrogate escape in a string");
        }
        if (Character.isHighSurrogate(unit)) {
          if (peek() != '\\') {
            throw fail(at, "lone high surrogate escape in a string");
          }
          pos++;
          if (next() != 'u') {
            throw fail(at, "lone high surrogate escape in a string");
          }
          char low = hex4();
          if (!Character.isLowSurrogate(low)) {
            throw fail(at, "lone high surrogate escape in a string");
          }
          out.append(unit).append(low);
          return;
        }
        out.append(unit);
        return;
      default:
        throw fail(at, "invalid escape sequence in a string");
    }
  }

  private char hex4() throws IOException {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      long at = offset();
      int c = next();
      int digit = Character.digit(c == EOF ? -1 : c, 16);
      if (c > 0x7F || digit < 0) {
        throw fail(at, "expected a hexadecimal digit in a \\u escape, found " + describe(c));
      }
      value = (value << 4) | digit;
    }
    return (char) value;
  }

  // Strict UTF-8 (RFC 3629): no overlong forms, no encoded surrogates, nothing above U+10FFFF.
  private void utf8(long at, int lead, StringBuilder out) throws IOException {
    int continuation;
    int low = 0x80;
    int high = 0xBF;
    int codePoint;
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
      codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      codePoint = lead & 0x0F;
      if (lead == 0xE0) {
        low = 0xA0;
      } else if (lead == 0xED) {
        high = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      codePoint = lead & 0x07;
      if (lead == 0xF0) {
        low = 0x90;
      } else if (lead == 0xF4) {
        high = 0x8F;
      }
    } else {
      throw fail(at, "invalid UTF-8 byte " + describe(lead));
    }
    for (int i = 0; i < continuation; i++) {
      int c = next();
      if (c < low || c > high) {
        throw fail(at, "invalid UTF-8 sequence");
      }
      low = 0x80;
      high = 0xBF;
      codePoint = (codePoint << 6) | (c & 0x3F);
    }
    out.appendCodePoint(codePoint);
  }

  private JsonValue number() throws IOException {
    long start = offset();
    StringBuilder text = new StringBuilder();
    if (peek() == '-') {
      text.append('-');
      pos++;
    }
    int c = peek();
    if (c == '0') {
      text.append('0');
      pos++;
    } else if (c >= '1' && c <= '9') {
      digits(text);
    } else {
      throw fail(offset(), "expected a digit, found " + describe(c));
    }
    if (peek() == '.') {
      text.append('.');
      pos++;
      requireDigit("after a decimal point");
      digits(text);
    }
    c = peek();
    if (c == 'e' || c == 'E') {
      text.append('e');
      pos++;
      c = peek();
      if (c == '+' || c == '-') {
        text.append((char) c);
        pos++;
      }
      requireDigit("in an exponent");
      digits(text);
    }
    // Double.parseDouble rounds correctly (to nearest, ties to even), as RFC 8785 requires.
    double value = Double.parseDouble(text.toString());
    if (Double.isInfinite(value)) {
      throw fail(start, "number is beyond the range of IEEE 754 double precision");
    }
    return new JsonNumber(value);
  }

  private void requireDigit(String where) throws IOException {
    int c = peek();
    if (c < '0' || c > '9') {
      throw fail(offset(), "expected a digit " + where + ", found " + describe(c));
    }
  }

  private void digits(StringBuilder text) throws IOException {
    int c;
    while ((c = peek()) >= '0' && c <= '9') {
      text.append((char) c);
      pos++;
    }
  }

  private void literal(String word) throws IOException {
    long at = offset();
    for (int i = 0; i < word.length(); i++) {
      if (next() != word.charAt(i)) {
        throw fail(at, "invalid literal; expected " + word);
      }
    }
  }

  private void expect(char expected, String what) throws IOException {
    long at = offset();
    int c = next();
    if (c != expected) {
      throw fail(at, "expected " + what + ", found " + describe(c));
    }
  }

  private void skipWhitespace() throws IOException {
    int c;
    while ((c = peek()) == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pos++;
    }
  }

  private int peek() throws IOException {
    if (pos == end && !fill()) {
      return EOF;
    }
    return buf[pos] & 0xFF;
  }

  private int next() throws IOException {
    int c = peek();
    if (c != EOF) {
      pos++;
    }
    return c;
  }

  private long offset() {
    return base + pos;
  }

  private boolean fill() throws IOException {
    if (in == null) {
      return false;
    }
    base += end;
    pos = 0;
    end = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    end = n;
    if (base + end > maxBytes) {
      throw new BodyTooLargeException(maxBytes);
    }
    return true;
  }

  private static String describe(int c) {
    if (c == EOF) {
      return "the end of the body";
    }
    if (c >= 0x21 && c <= 0x7E) {
      return "'" + (char) c + "'";
    }
    return String.format("byte 0x%02X", c);
  }

  private static MalformedBodyException fail(long offset, String problem) {
    return new MalformedBodyException(offset, problem);
  }
}
