package dev.idem.servlet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A path pattern with Spring's {@code PathPattern} syntax, so that a mapping copied from a
 * controller means here what it means there: per segment, literal text, {@code ?} for one
 * character, {@code *} for any characters, {@code {name}} for any characters or {@code
 * {name:regex}} for those the regex allows, freely mixed ({@code /files/{name}.json}, {@code
 * /v{version}/x}, {@code /*.csv}); a segment that is only {@code *} or {@code {name}} needs at
 * least one character; a final {@code **} or {@code {*name}} for any remainder, including none.
 * Matched against the decoded path within the application, without the query. Immutable.
 *
 * <p>{@link #MOST_SPECIFIC_FIRST} orders patterns as Spring orders the mappings that match one
 * request, so that the filter and Spring agree on which one decides.
 */
final class RoutePattern {

  /**
   * Spring's order: patterns ending in a catch-all after all others (the longer literal prefix
   * first among them), then fewer wildcards (each weighing a hundred variables), then fewer
   * variables, then the longer pattern with each variable counted as one character.
   */
  static final Comparator<RoutePattern> MOST_SPECIFIC_FIRST =
      Comparator.<RoutePattern>comparingInt(p -> p.tail ? 1 : 0)
          .thenComparingInt(p -> p.tail ? -p.normalizedLength : 0)
          .thenComparingInt(p -> p.wildcards * 100 + p.variables)
          .thenComparingInt(p -> -p.normalizedLength);

  /** One segment: exact text, any non-empty text, or a regex over the whole segment. */
  private record Segment(@Nullable String literal, @Nullable Pattern regex) {
    static final Segment ANY = new Segment(null, null);

    boolean matches(String part) {
      if (literal != null) {
        return literal.equals(part);
      }
      if (regex != null) {
        return regex.matcher(part).matches();
      }
      return !part.isEmpty();
    }
  }

  private final String pattern;
  private final List<Segment> segments;
  private final boolean tail;
  private final int wildcards;
  private final int variables;
  private final int normalizedLength;

  private RoutePattern(
      String pattern,
      List<Segment> segments,
      boolean tail,
      int wildcards,
      int variables,
      int normalizedLength) {
    this.pattern = pattern;
    this.segments = List.copyOf(segments);
    this.tail = tail;
    this.wildcards = wildcards;
    this.variables = variables;
    this.normalizedLength = normalizedLength;
  }

  /**
   * Parses {@code pattern}.
   *
   * @throws NullPointerException if null
   * @throws IllegalArgumentException naming the pattern and what is wrong with it, for syntax this
   *     class would not match as Spring does (a pattern is refused, never half-matched)
   */
  static RoutePattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a route pattern starts with '/': '" + pattern + "'");
    }
    String[] raw = pattern.length() == 1 ? new String[0] : pattern.substring(1).split("/", -1);
    List<Segment> segments = new ArrayList<>();
    boolean tail = false;
    int wildcards = 0;
    int variables = 0;
    int normalizedLength = 0;
    for (int i = 0; i < raw.length; i++) {
      String segment = raw[i];
      boolean last = i == raw.length - 1;
      normalizedLength++; // the separator
      if (segment.equals("**") || (segment.startsWith("{*") && segment.endsWith("}"))) {
        if (!last) {
          throw new IllegalArgumentException(
              "'"
                  + segment
                  + "' may only be the last segment of a route pattern: '"
                  + pattern
                  + "'");
        }
        tail = true;
        if (segment.equals("**")) {
          wildcards++;
        } else {
          variables++;
          normalizedLength++;
        }
        continue;
      }
      if (segment.contains("**") || segment.contains("{*")) {
        throw new IllegalArgumentException(
            "'**' and '{*name}' may only be the last segment of a route pattern, on their own: '"
                + pattern
                + "'");
      }
      if (segment.equals("*")) {
        wildcards++;
        normalizedLength++;
        segments.add(Segment.ANY);
      } else if (isPlainVariable(segment)) {
        variables++;
        normalizedLength++;
        segments.add(Segment.ANY);
      } else if (segment.indexOf('*') < 0
          && segment.indexOf('?') < 0
          && segment.indexOf('{') < 0
          && segment.indexOf('}') < 0) {
        normalizedLength += segment.length();
        segments.add(new Segment(segment, null));
      } else {
        Compiled compiled = compile(segment, pattern);
        wildcards += compiled.wildcards();
        variables += compiled.variables();
        normalizedLength += compiled.normalizedLength();
        segments.add(new Segment(null, compiled.regex()));
      }
    }
    return new RoutePattern(pattern, segments, tail, wildcards, variables, normalizedLength);
  }

  private static boolean isPlainVariable(String segment) {
    return segment.length() > 2
        && segment.startsWith("{")
        && segment.endsWith("}")
        && segment.indexOf('{', 1) < 0
        && segment.indexOf('}') == segment.length() - 1
        && segment.indexOf(':') < 0;
  }

  private record Compiled(Pattern regex, int wildcards, int variables, int normalizedLength) {}

  /** A segment mixing literal text with {@code ?}, {@code *} and variables, as one regex. */
  private static Compiled compile(String segment, String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    int wildcards = 0;
    int variables = 0;
    int length = 0;
    int i = 0;
    while (i < segment.length()) {
      char c = segment.charAt(i);
      if (c == '*' || c == '?' || c == '{' || c == '}') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          length += literal.length();
          literal.setLength(0);
        }
      }
      if (c == '*') {
        regex.append(".*");
        wildcards++;
        length++;
        i++;
      } else if (c == '?') {
        regex.append('.');
        length++;
        i++;
      } else if (c == '{') {
        int end = closingBrace(segment, i);
        if (end < 0) {
          throw new IllegalArgumentException("unbalanced '{' in route pattern '" + pattern + "'");
        }
        String variable = segment.substring(i + 1, end);
        int colon = variable.indexOf(':');
        String name = colon < 0 ? variable : variable.substring(0, colon);
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              "a variable without a name in route pattern '" + pattern + "'");
        }
        // Spring lets a variable beside literal text match nothing; its regex, if any, decides.
        String constraint = colon < 0 ? ".*" : variable.substring(colon + 1);
        try {
          Pattern.compile(constraint);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "the regex of '{"
                  + variable
                  + "}' in route pattern '"
                  + pattern
                  + "' is invalid: "
                  + e.getDescription(),
              e);
        }
        regex.append("(?:").append(constraint).append(')');
        variables++;
        length++;
        i = end + 1;
      } else if (c == '}') {
        throw new IllegalArgumentException("unbalanced '}' in route pattern '" + pattern + "'");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
      length += literal.length();
    }
    return new Compiled(Pattern.compile(regex.toString()), wildcards, variables, length);
  }

  /** The index of the brace closing the one at {@code open}, counting nested regex braces. */
  private static int closingBrace(String segment, int open) {
    int depth = 0;
    for (int i = open; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code path} (decoded, starting with '/', without the query) matches. */
  boolean matches(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    String[] parts = path.length() == 1 ? new String[0] : path.substring(1).split("/", -1);
    if (tail ? parts.length < segments.size() : parts.length != segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      if (!segments.get(i).matches(parts[i])) {
        return false;
      }
    }
    return true;
  }

  String pattern() {
    return pattern;
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
