package dev.idem.codegen;

import java.util.List;
import java.util.Objects;

/**
 * A runnable example project: the middleware, a sample {@code POST /orders} endpoint and the
 * ecosystem's manifest ({@code package.json}, {@code requirements.txt} or {@code pom.xml}).
 * Immutable.
 *
 * @param options what it was generated from
 * @param files every file, the middleware among them
 * @param middlewarePath the path of the middleware file among {@code files}
 * @param nextSteps shell commands that run the project from the directory it was written to
 */
public record GeneratedProject(
    CodegenOptions options,
    List<GeneratedFile> files,
    String middlewarePath,
    List<String> nextSteps) {
  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if no file has {@code middlewarePath}
   */
  public GeneratedProject {
    Objects.requireNonNull(options, "options");
    files = List.copyOf(files);
    Objects.requireNonNull(middlewarePath, "middlewarePath");
    nextSteps = List.copyOf(nextSteps);
    if (files.stream().noneMatch(f -> f.path().equals(middlewarePath))) {
      throw new IllegalArgumentException("no file " + middlewarePath + " among the files");
    }
  }

  /** The middleware file: what a user drops into an existing project. */
  public GeneratedFile middleware() {
    return file(middlewarePath);
  }

  /**
   * The file at {@code path}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public GeneratedFile file(String path) {
    return files.stream()
        .filter(f -> f.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no file " + path));
  }
}
