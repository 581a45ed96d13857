package dev.idem.servlet;

import java.util.Objects;

/**
 * A path pattern: literal segments, {@code *} or {@code {name}} for any one segment, and a final
 * {@code **} for any remainder (including none). Matched against the path within the application,
 * without the query. Immutable.
 */
record RoutePattern(String pattern, String[] segments, boolean prefix) {

  static RoutePattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a route pattern starts with '/': '" + pattern + "'");
    }
    String body = pattern.substring(1);
    boolean prefix = false;
    if (body.equals("**")) {
      return new RoutePattern(pattern, new String[0], true);
    }
    if (body.endsWith("/**")) {
      prefix = true;
      body = body.substring(0, body.length() - 3);
    }
    String[] segments = body.isEmpty() ? new String[0] : body.split("/", -1);
    for (String segment : segments) {
      if (segment.contains("**")) {
        throw new IllegalArgumentException(
            "'**' may only be the last segment of a route pattern: '" + pattern + "'");
      }
    }
    return new RoutePattern(pattern, segments, prefix);
  }

  boolean matches(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    String[] parts = path.length() == 1 ? new String[0] : path.substring(1).split("/", -1);
    if (prefix ? parts.length < segments.length : parts.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean wildcard = segment.equals("*") || (segment.startsWith("{") && segment.endsWith("}"));
      if (wildcard ? parts[i].isEmpty() : !segment.equals(parts[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RoutePattern that && pattern.equals(that.pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
