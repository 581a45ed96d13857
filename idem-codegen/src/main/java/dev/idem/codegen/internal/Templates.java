package dev.idem.codegen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the module's {@code .tmpl} resources and fills their {@code {{name}}} placeholders. One
 * pass: a value is inserted as is, never scanned for placeholders itself, so generated code cannot
 * smuggle one in. Stateless and thread-safe.
 */
public final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");
  private static final String ROOT = "/dev/idem/codegen/templates/";

  private Templates() {}

  /**
   * The text of the template {@code name} (e.g. {@code express/server.js}) with every placeholder
   * replaced.
   *
   * @throws IllegalStateException if the template is missing or names a placeholder that {@code
   *     values} lacks: a bug in this module, not in the caller's options
   */
  public static String render(String name, Map<String, String> values) {
    return fill(name, load(name), values);
  }

  /**
   * {@code text} with every placeholder replaced.
   *
   * @param what names the text in the error message
   * @throws IllegalStateException if {@code text} names a placeholder that {@code values} lacks
   */
  public static String fill(String what, String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 1024);
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException(what + " has no value for {{" + m.group(1) + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String load(String name) {
    String path = ROOT + Objects.requireNonNull(name, "name") + ".tmpl";
    try (InputStream in = Templates.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("template " + path + " is missing from idem-codegen");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + path, e);
    }
  }
}
