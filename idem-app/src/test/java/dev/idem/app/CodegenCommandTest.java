package dev.idem.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("idem codegen")
class CodegenCommandTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run idem(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = IdemCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  @DisplayName("prints the middleware with the options baked in")
  void printsMiddleware() {
    Run run =
        idem(
            "codegen",
            "--framework",
            "fastapi",
            "--store",
            "redis",
            "--header",
            "X-Idem-Key",
            "--retention",
            "2h",
            "--lease",
            "30s",
            "--key-optional",
            "--mismatch-status",
            "400");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("\"\"\"Idempotency-Key middleware for FastAPI")
        .contains("HEADER_NAME = \"X-Idem-Key\"")
        .contains("RETENTION_MS = 7200000")
        .contains("LEASE_MS = 30000")
        .contains("KEY_REQUIRED = False")
        .contains("MISMATCH_STATUS = 400")
        .contains("class RedisStore");
  }

  @Test
  @DisplayName("writes the project with --out and says how to run it")
  void writesProject() {
    Path out = dir.resolve("shop");
    Run run =
        idem("codegen", "--framework", "express", "--store", "postgres", "--out", out.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(out.resolve("idempotency.js")).exists();
    assertThat(out.resolve("server.js")).exists();
    assertThat(out.resolve("package.json")).content().contains("\"pg\"");
    assertThat(run.out()).contains("npm install").contains("node server.js");
  }

  @Test
  @DisplayName("refuses a non-empty --out unless --force")
  void refusesNonEmptyDirectory() throws Exception {
    Files.writeString(dir.resolve("keep.txt"), "mine");
    Run refused = idem("codegen", "--framework", "spring-boot", "--out", dir.toString());
    assertThat(refused.status()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).contains("is not empty").contains("--force");
    assertThat(dir.resolve("pom.xml")).doesNotExist();

    Run forced = idem("codegen", "--framework", "spring-boot", "--out", dir.toString(), "--force");
    assertThat(forced.status()).as(forced.err()).isZero();
    assertThat(dir.resolve("pom.xml")).exists();
    assertThat(dir.resolve("keep.txt")).content().isEqualTo("mine");
  }

  @Test
  @DisplayName("lists every invalid option as a usage error")
  void invalidOptions() {
    Run run =
        idem(
            "codegen",
            "--framework",
            "express",
            "--header",
            "bad header",
            "--mismatch-status",
            "409");
    assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("headerName must be").contains("mismatchStatus must be 422");
    assertThat(run.out()).isEmpty();
  }
}
