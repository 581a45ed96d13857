package dev.idem.codegen;

import java.util.Objects;

/**
 * One file of a generated project.
 *
 * @param path where it goes, relative to the project directory, with {@code /} separators
 * @param content its text (UTF-8 when written)
 */
public record GeneratedFile(String path, String content) {
  /**
   * @throws NullPointerException if an argument is null
   */
  public GeneratedFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
  }
}
