package dev.idem.http.internal;

/** The smallest JSON writer that problem bodies need: one flat object of strings and numbers. */
public final class Json {
  private Json() {}

  /** Writes one object; not thread-safe. */
  public static final class Writer {
    private final StringBuilder out = new StringBuilder(256).append('{');
    private boolean first = true;

    public Writer member(String name, String value) {
      name(name);
      string(value);
      return this;
    }

    public Writer member(String name, long value) {
      name(name);
      out.append(value);
      return this;
    }

    public String end() {
      return out.append('}').toString();
    }

    private void name(String name) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(name);
      out.append(':');
    }

    private void string(String value) {
      out.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            // Controls, and the separators JavaScript once treated as line ends, are escaped; so
            // are lone surrogates, which UTF-8 cannot carry.
            if (c < 0x20
                || c == 0x2028
                || c == 0x2029
                || (Character.isSurrogate(c) && !pairedSurrogate(value, i))) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }

    private static boolean pairedSurrogate(String value, int i) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
      }
      return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
  }
}
