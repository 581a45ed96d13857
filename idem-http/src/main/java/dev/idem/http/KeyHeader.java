package dev.idem.http;

import java.util.List;
import java.util.Objects;

/**
 * What the {@code Idempotency-Key} fields of a request hold, before the key policy looks at the
 * key. Parse with {@link #parse(List)}; the result is immutable.
 *
 * <h2>Accepted forms</h2>
 *
 * <ul>
 *   <li>A quoted sf-string (RFC 8941 §3.3.3): {@code "abc"}. Only printable ASCII (U+0020–U+007E)
 *       may appear, and a backslash may only escape {@code "} or {@code \}. The key is the
 *       unescaped content, so {@code "abc"} and {@code abc} are the same key.
 *   <li>A bare value: {@code abc}. The key is the field value with leading and trailing spaces and
 *       tabs (OWS) removed; which characters it may hold is the key policy's business, so that the
 *       client is told the exact {@link dev.idem.KeyRule} it broke.
 * </ul>
 *
 * <p><b>Parameters.</b> An sf-string may be followed by RFC 8941 parameters ({@code "k";a=1}). None
 * are defined for this field, and RFC 8941 asks that unknown parameters be ignored, so well-formed
 * parameters are ignored and do not change the key; ill-formed ones make the field malformed. A
 * bare value has no parameters: a {@code ;} in it is part of the key (and most key policies refuse
 * it).
 *
 * <p><b>Lists.</b> The field is a single item. More than one field line, or a comma outside a
 * quoted string (two list members), is malformed: the server cannot know which key the client
 * meant.
 */
public sealed interface KeyHeader {

  /** The request has no {@code Idempotency-Key} field. */
  record Absent() implements KeyHeader {}

  /**
   * One field with one key in it; the key policy has not been applied yet.
   *
   * @param key the key, unquoted and unescaped
   */
  record Present(String key) implements KeyHeader {
    /**
     * @throws NullPointerException if {@code key} is null
     */
    public Present {
      Objects.requireNonNull(key, "key");
    }

    /** Never prints the key. */
    @Override
    public String toString() {
      return "Present[keyLength=" + key.length() + "]";
    }
  }

  /**
   * The field cannot be read as one key.
   *
   * @param reason what is wrong, for the client; never contains the field's value
   */
  record Malformed(String reason) implements KeyHeader {
    /**
     * @throws NullPointerException if {@code reason} is null
     */
    public Malformed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Reads the values of every {@code Idempotency-Key} field line of a request, in order.
   *
   * @param fieldValues one entry per field line (as a server API returns them for the name, matched
   *     case-insensitively); empty if the request has none
   * @throws NullPointerException if the list or one of its values is null
   */
  static KeyHeader parse(List<String> fieldValues) {
    Objects.requireNonNull(fieldValues, "fieldValues");
    if (fieldValues.isEmpty()) {
      return new Absent();
    }
    if (fieldValues.size() > 1) {
      return new Malformed(
          "the request has more than one Idempotency-Key field; send exactly one key");
    }
    return parseValue(Objects.requireNonNull(fieldValues.get(0), "fieldValues[0]"));
  }

  /**
   * Reads one field value.
   *
   * @throws NullPointerException if {@code value} is null
   */
  static KeyHeader parseValue(String value) {
    Objects.requireNonNull(value, "value");
    int start = 0;
    int end = value.length();
    while (start < end && isOws(value.charAt(start))) {
      start++;
    }
    while (end > start && isOws(value.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return new Malformed("the Idempotency-Key field is empty; send a key");
    }
    if (value.charAt(start) == '"') {
      return parseSfString(value, start, end);
    }
    String key = value.substring(start, end);
    if (key.indexOf(',') >= 0) {
      return new Malformed(
          "the Idempotency-Key field holds a list (a comma separates members); send exactly one"
              + " key, without commas");
    }
    return new Present(key);
  }

  private static KeyHeader parseSfString(String value, int start, int end) {
    StringBuilder key = new StringBuilder(end - start);
    int i = start + 1;
    while (true) {
      if (i >= end) {
        return new Malformed(
            "the quoted Idempotency-Key has no closing quote; send \"key\" or the bare key");
      }
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 >= end || (value.charAt(i + 1) != '"' && value.charAt(i + 1) != '\\')) {
          return new Malformed(
              "the quoted Idempotency-Key has a backslash that escapes neither \" nor \\;"
                  + " send the bare key instead");
        }
        key.append(value.charAt(i + 1));
        i += 2;
      } else if (c == '"') {
        i++;
        break;
      } else if (c < 0x20 || c > 0x7e) {
        return new Malformed(
            "the quoted Idempotency-Key holds a character outside printable ASCII;"
                + " use printable ASCII only");
      } else {
        key.append(c);
        i++;
      }
    }
    String problem = skipParameters(value, i, end);
    if (problem != null) {
      return new Malformed(problem);
    }
    if (key.length() == 0) {
      return new Malformed("the Idempotency-Key is an empty string; send a key");
    }
    return new Present(key.toString());
  }

  /** Checks RFC 8941 parameters after an item; null when well-formed (they are then ignored). */
  private static @org.jspecify.annotations.Nullable String skipParameters(
      String value, int from, int end) {
    int i = from;
    while (i < end) {
      char c = value.charAt(i);
      if (c == ',') {
        return "the Idempotency-Key field holds a list (a comma separates members); send exactly"
            + " one key";
      }
      if (c != ';') {
        return "the quoted Idempotency-Key is followed by unexpected characters; send only"
            + " \"key\"";
      }
      i++;
      while (i < end && value.charAt(i) == ' ') {
        i++;
      }
      if (i >= end || !(isLcAlpha(value.charAt(i)) || value.charAt(i) == '*')) {
        return "the Idempotency-Key has a malformed parameter; send only \"key\"";
      }
      while (i < end && isKeyChar(value.charAt(i))) {
        i++;
      }
      if (i < end && value.charAt(i) == '=') {
        i++;
        int valueEnd = skipBareItem(value, i, end);
        if (valueEnd < 0) {
          return "the Idempotency-Key has a malformed parameter value; send only \"key\"";
        }
        i = valueEnd;
      }
    }
    return null;
  }

  /** Skips one RFC 8941 bare item; the index after it, or -1 when ill-formed. */
  private static int skipBareItem(String value, int from, int end) {
    if (from >= end) {
      return -1;
    }
    char first = value.charAt(from);
    int i = from + 1;
    if (first == '"') {
      while (i < end) {
        char c = value.charAt(i);
        if (c == '\\') {
          if (i + 1 >= end || (value.charAt(i + 1) != '"' && value.charAt(i + 1) != '\\')) {
            return -1;
          }
          i += 2;
        } else if (c == '"') {
          return i + 1;
        } else if (c < 0x20 || c > 0x7e) {
          return -1;
        } else {
          i++;
        }
      }
      return -1;
    }
    if (first == ':') {
      while (i < end && value.charAt(i) != ':') {
        char c = value.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '+' && c != '/' && c != '=') {
          return -1;
        }
        i++;
      }
      return i < end ? i + 1 : -1;
    }
    if (first == '?') {
      return i < end && (value.charAt(i) == '0' || value.charAt(i) == '1') ? i + 1 : -1;
    }
    if (first == '-' || (first >= '0' && first <= '9')) {
      while (i < end
          && ((value.charAt(i) >= '0' && value.charAt(i) <= '9') || value.charAt(i) == '.')) {
        i++;
      }
      return i;
    }
    if ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '*') {
      while (i < end && isTokenChar(value.charAt(i))) {
        i++;
      }
      return i;
    }
    return -1;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isKeyChar(char c) {
    return isLcAlpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*';
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
  }
}
