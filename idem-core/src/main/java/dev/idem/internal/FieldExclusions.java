package dev.idem.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON members to leave out of a canonical form, from RFC 6901 JSON Pointers, as a tree of
 * reference tokens so that the canonicaliser skips them while it writes.
 */
public final class FieldExclusions {
  /** Excludes nothing. */
  public static final FieldExclusions NONE = new FieldExclusions();

  private final Map<String, FieldExclusions> children = new HashMap<>();
  private boolean excluded;

  private FieldExclusions() {}

  /**
   * What is wrong with {@code pointer} as a field to exclude, or null if nothing is. The empty
   * pointer names the whole document, which is not a field.
   */
  public static @Nullable String problem(String pointer) {
    if (pointer.isEmpty()) {
      return "\"\" points at the whole body, not at a field";
    }
    if (pointer.charAt(0) != '/') {
      return "\"" + pointer + "\" is not a JSON Pointer: it must start with '/' (RFC 6901)";
    }
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~') {
        char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : 0;
        if (next != '0' && next != '1') {
          return "\""
              + pointer
              + "\" is not a JSON Pointer: '~' must be followed by '0' or '1' (RFC 6901)";
        }
      }
    }
    return null;
  }

  /**
   * The exclusions for {@code pointers}, each of which has no {@link #problem(String)}.
   *
   * @throws IllegalArgumentException if a pointer has a problem
   */
  public static FieldExclusions of(List<String> pointers) {
    if (pointers.isEmpty()) {
      return NONE;
    }
    FieldExclusions root = new FieldExclusions();
    for (String pointer : pointers) {
      String problem = problem(pointer);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      FieldExclusions node = root;
      for (String token : pointer.substring(1).split("/", -1)) {
        // RFC 6901 section 4: "~1" first, then "~0", so that "~01" decodes to "~1".
        String name = token.replace("~1", "/").replace("~0", "~");
        node = node.children.computeIfAbsent(name, unused -> new FieldExclusions());
      }
      node.excluded = true;
    }
    return root;
  }

  /**
   * The exclusions below the member or element named {@code token} (an array index in decimal), or
   * null if none lie there.
   */
  @Nullable FieldExclusions child(String token) {
    return children.isEmpty() ? null : children.get(token);
  }

  /** Whether the value this node stands for is left out entirely. */
  boolean excluded() {
    return excluded;
  }
}
