package dev.idem.internal;

import java.util.List;
import java.util.Map;

/**
 * A parsed JSON value as RFC 8785 sees it: numbers are IEEE 754 doubles, object member names are
 * unique.
 */
public sealed interface JsonValue {

  /** An object; {@code members} keeps document order and never repeats a name. */
  record JsonObject(Map<String, JsonValue> members) implements JsonValue {}

  /** An array. */
  record JsonArray(List<JsonValue> elements) implements JsonValue {}

  /** A string, which may hold any UTF-16 text the parser accepted (never a lone surrogate). */
  record JsonString(String value) implements JsonValue {}

  /** A number, always finite. */
  record JsonNumber(double value) implements JsonValue {}

  /** {@code true}, {@code false} and {@code null}. */
  enum JsonLiteral implements JsonValue {
    TRUE,
    FALSE,
    NULL
  }
}
