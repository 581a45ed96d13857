package dev.idem.app;

import dev.idem.conformance.CheckListener;
import dev.idem.conformance.CheckResult;
import dev.idem.conformance.ConformanceChecker;
import dev.idem.conformance.ConformanceReport;
import dev.idem.conformance.Profile;
import dev.idem.conformance.TargetUnreachableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code idem check URL}: runs the conformance checks against an endpoint, prints the report, and
 * exits 1 when any check fails, so it can gate a CI job.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Checks that an HTTP endpoint handles Idempotency-Key as Idem's semantics require: missing"
          + " and malformed keys, first request, replays, header casing, quoted keys, mismatch,"
          + " concurrent duplicates, GET pass-through, and expiry when --retention is given.",
      "Every check uses fresh random keys. Point it at a slow endpoint (e.g."
          + " /api/demo/orders?delayMs=300) for the concurrency check to overlap executions.",
      "Exit status: 0 all checks passed, 1 a check failed, 2 bad usage, 69 target unreachable."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description = "The endpoint, e.g.%nhttp://localhost:8080/api/demo/orders")
  URI url;

  @Option(
      names = "--body",
      paramLabel = "JSON",
      description = "The request body%n(default: " + ConformanceChecker.DEFAULT_BODY + ").")
  String body;

  @Option(
      names = "--mismatch-body",
      paramLabel = "JSON",
      description =
          "The different body the mismatch check sends (default: the body with its first number"
              + " plus one, else its first string changed).")
  String mismatchBody;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "HEADER",
      description = "A header every request carries, e.g. 'X-Tenant-Id: t1'. Repeatable.")
  List<String> headers = List.of();

  @Option(
      names = {"-X", "--method"},
      defaultValue = "POST",
      paramLabel = "METHOD",
      description = "POST or PATCH (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--concurrency",
      defaultValue = "" + ConformanceChecker.DEFAULT_CONCURRENCY,
      paramLabel = "N",
      description = "Simultaneous duplicates in the concurrency check (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description =
          "How long the endpoint keeps keys (30s, 2m, 1500ms, PT1M); enables the after-expiry"
              + " check, which waits that long.")
  Duration retention;

  @Option(
      names = "--profile",
      defaultValue = "ietf",
      paramLabel = "PROFILE",
      description =
          "ietf (mismatch is 422) or stripe (mismatch is 400) (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "How long one request may take (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description = "Also write the report as JUnit XML to FILE.")
  Path junit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConformanceChecker checker;
    try {
      ConformanceChecker.Builder builder =
          ConformanceChecker.builder()
              .target(url)
              .method(method)
              .concurrency(concurrency)
              .profile(Profile.of(profile))
              .requestTimeout(timeout)
              .headers(headers())
              .listener(progress(err));
      if (body != null) {
        builder.body(body);
      }
      if (mismatchBody != null) {
        builder.mismatchBody(mismatchBody);
      }
      if (retention != null) {
        builder.retention(retention);
      }
      checker = builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
    }
    ConformanceReport report;
    try {
      report = checker.run();
    } catch (TargetUnreachableException e) {
      err.println("idem check: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    out.print(report.toText());
    out.flush();
    if (junit != null) {
      try {
        Path parent = junit.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(junit, report.toJUnitXml(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("idem check: cannot write " + junit + ": " + e.getMessage());
        return ExitCodes.CANT_CREATE;
      }
    }
    return report.passed() ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
  }

  private Map<String, String> headers() {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--header must be NAME:VALUE, was '" + header + "'");
      }
      String name = header.substring(0, colon).trim();
      if (parsed.putIfAbsent(name, header.substring(colon + 1).trim()) != null) {
        throw new ParameterException(spec.commandLine(), "--header " + name + " is given twice");
      }
    }
    return parsed;
  }

  /** Progress goes to stderr, so stdout holds the report alone. */
  private static CheckListener progress(PrintWriter err) {
    return new CheckListener() {
      @Override
      public void finished(CheckResult result) {
        err.println((result.passed() ? "  pass  " : "  FAIL  ") + result.name());
        err.flush();
      }
    };
  }
}
