package dev.idem.app;

import dev.idem.KeyCheck;
import dev.idem.KeyInspection;
import java.util.Map;

/** The few JSON objects the CLI prints; small enough not to need a library. */
final class Json {
  private Json() {}

  static String inspection(String key, KeyInspection inspection) {
    StringBuilder json = new StringBuilder("{");
    field(json, "key", key).append(',');
    field(json, "format", inspection.format().map(f -> f.id()).orElse(null)).append(',');
    field(json, "description", inspection.description()).append(',');
    json.append("\"length\":").append(key.length()).append(',');
    json.append("\"randomBits\":").append(inspection.randomBits()).append(',');
    json.append("\"deterministic\":").append(inspection.deterministic()).append(',');
    json.append("\"sortable\":").append(inspection.sortable()).append(',');
    field(json, "createdAt", inspection.createdAt().map(Object::toString).orElse(null)).append(',');
    json.append("\"profiles\":{");
    boolean first = true;
    for (Map.Entry<String, KeyCheck> verdict : inspection.verdicts().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, verdict.getKey()).append(":{");
      if (verdict.getValue() instanceof KeyCheck.Rejected rejected) {
        json.append("\"accepted\":false,");
        field(json, "rule", rejected.rule().name()).append(',');
        field(json, "detail", rejected.detail());
      } else {
        json.append("\"accepted\":true");
      }
      json.append('}');
    }
    return json.append("}}").toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    quote(json, name).append(':');
    return value == null ? json.append("null") : quote(json, value);
  }

  static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c)) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
