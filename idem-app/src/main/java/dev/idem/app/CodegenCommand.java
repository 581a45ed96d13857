package dev.idem.app;

import dev.idem.codegen.Codegen;
import dev.idem.codegen.CodegenOptions;
import dev.idem.codegen.Framework;
import dev.idem.codegen.GeneratedFile;
import dev.idem.codegen.GeneratedProject;
import dev.idem.codegen.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code idem codegen}: prints idempotency middleware for Express.js, FastAPI or Spring Boot, or
 * writes a runnable example project around it with {@code --out}.
 */
@Command(
    name = "codegen",
    mixinStandardHelpOptions = true,
    description = {
      "Generates Idempotency-Key middleware you own, following Idem's HTTP semantics: atomic"
          + " claim with a lease, fingerprint mismatch refused, 409 + Retry-After for a running"
          + " duplicate, replays marked Idempotent-Replayed: true, GET/HEAD/OPTIONS untouched.",
      "Prints the middleware to stdout; --out DIR writes a runnable example project:",
      "the middleware, a sample POST /orders endpoint and its build file",
      "(package.json, requirements.txt or pom.xml)."
    })
final class CodegenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--framework",
      required = true,
      paramLabel = "FRAMEWORK",
      description = "express, fastapi or spring-boot.")
  String framework;

  @Option(
      names = "--store",
      defaultValue = "memory",
      paramLabel = "STORE",
      description = "memory, redis or postgres (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--header",
      defaultValue = CodegenOptions.DEFAULT_HEADER_NAME,
      paramLabel = "NAME",
      description = "The key header (default: ${DEFAULT-VALUE}).")
  String header;

  @Option(
      names = "--retention",
      defaultValue = "24h",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "How long completed responses are replayed (default: ${DEFAULT-VALUE}).")
  Duration retention;

  @Option(
      names = "--lease",
      defaultValue = "60s",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description =
          "How long a claim holds before another request may take over (default:"
              + " ${DEFAULT-VALUE}).")
  Duration lease;

  @Option(
      names = "--key-optional",
      description = "Let POST/PATCH without a key through unprotected instead of answering 400.")
  boolean keyOptional;

  @Option(
      names = "--mismatch-status",
      defaultValue = "422",
      paramLabel = "STATUS",
      description =
          "422 (IETF draft) or 400 (Stripe) for a reused key with a different request (default:"
              + " ${DEFAULT-VALUE}).")
  int mismatchStatus;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the example project to DIR (which must be empty or absent).")
  Path out;

  @Option(names = "--force", description = "With --out: write into a non-empty DIR, overwriting.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    CodegenOptions options;
    try {
      options =
          CodegenOptions.builder()
              .framework(Framework.of(framework))
              .store(Store.of(store))
              .headerName(header)
              .retention(retention)
              .lease(lease)
              .keyRequired(!keyOptional)
              .mismatchStatus(mismatchStatus)
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    GeneratedProject project = Codegen.generate(options);
    PrintWriter stdout = spec.commandLine().getOut();
    if (out == null) {
      stdout.print(project.middleware().content());
      stdout.flush();
      return ExitCodes.OK;
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new ParameterException(spec.commandLine(), "--out " + out + " is not a directory");
    }
    if (Files.isDirectory(out) && !force) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new ParameterException(
              spec.commandLine(),
              "--out " + out + " is not empty: choose another directory or add --force");
        }
      }
    }
    for (GeneratedFile file : project.files()) {
      Path target = out.resolve(file.path());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    }
    stdout.println(
        "Wrote "
            + project.files().size()
            + " files to "
            + out
            + " ("
            + Codegen.summary(options)
            + ").");
    stdout.println("The middleware is " + project.middlewarePath() + ". Next:");
    stdout.println("  cd " + out);
    for (String step : project.nextSteps()) {
      stdout.println("  " + step);
    }
    stdout.flush();
    return ExitCodes.OK;
  }
}
