package dev.idem.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.KeyFormat;
import dev.idem.KeyInspection;
import dev.idem.conformance.ReferenceServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the shaded {@code idem.jar} that {@code ./idem} launches, as a separate process. */
@DisplayName("the idem jar, run as a process")
class IdemJarIT {
  static final Path JAR = Path.of("target", "idem.jar");

  record Result(int status, String out, String err) {}

  static Result run(String... args) throws IOException, InterruptedException {
    assertThat(JAR).as("the package phase builds target/idem.jar").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("idem-out", ".txt");
    Path err = Files.createTempFile("idem-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("idem finished").isTrue();
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  @DisplayName("generates keys of every format on stdout")
  void keygen() throws Exception {
    for (KeyFormat format : KeyFormat.values()) {
      if (format == KeyFormat.HASH) {
        continue;
      }
      Result result = run("keygen", "--format", format.id(), "--client-id", "ci", "-n", "5");
      if (format != KeyFormat.COMPOSITE) {
        // --client-id belongs to composite only: every other format must refuse it loudly.
        assertThat(result.status()).as(format.id()).isEqualTo(ExitCodes.USAGE);
        result = run("keygen", "--format", format.id(), "-n", "5");
      }
      assertThat(result.status()).as(format.id() + ": " + result.err()).isZero();
      String[] keys = result.out().split("\n");
      assertThat(keys).hasSize(5);
      for (String key : keys) {
        assertThat(KeyInspection.of(key).format()).as(key).contains(format);
      }
    }
  }

  @Test
  @DisplayName("check: passes a correct server, fails a broken one, from the shaded jar")
  void check() throws Exception {
    try (ReferenceServer server = ReferenceServer.correct()) {
      Result result = run("check", server.ordersUri().toString());
      assertThat(result.status()).as(result.out() + result.err()).isZero();
      assertThat(result.out()).endsWith("15 passed, 0 failed\n");
    }
    try (ReferenceServer server =
        ReferenceServer.builder().flaw(ReferenceServer.Flaw.MISSING_KEY_ALLOWED).start()) {
      Result result = run("check", server.ordersUri().toString());
      assertThat(result.status()).isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(result.out()).contains("FAIL  missing-key");
    }
  }

  @Test
  @DisplayName("exits non-zero for a key the profile rejects")
  void inspect() throws Exception {
    assertThat(run("key", "inspect", "not a key").status()).isEqualTo(ExitCodes.FAILED_CHECK);
    assertThat(run("key", "inspect", "01ARZ3NDEKTSV4RRFFQ69G5FAV").status()).isZero();
  }
}
