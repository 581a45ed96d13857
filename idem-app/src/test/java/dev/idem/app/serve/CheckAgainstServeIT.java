package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.app.IdemCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idem check} against {@code idem serve}'s demo API: the README's example, for real. */
@DisplayName("idem check passes idem serve's demo API, expiry included")
class CheckAgainstServeIT {

  @Test
  void passesEveryCheck(@TempDir Path directory) throws Exception {
    try (ServeProcess serve =
        ServeProcess.start(directory, "--store", "memory", "--retention", "2s")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status =
          IdemCli.run(
              new String[] {
                "check",
                serve.base() + "/api/demo/orders",
                "--body",
                "{\"item\": \"book\", \"amount\": 1200}",
                "--header",
                "X-Tenant-Id: check",
                "--retention",
                "2s",
                "--junit",
                directory.resolve("check.xml").toString()
              },
              new PrintWriter(out),
              new PrintWriter(err));
      assertThat(status).as(out + "\n" + err).isZero();
      assertThat(out.toString())
          .contains("PASS  concurrent-duplicates", "PASS  mismatch", "PASS  after-expiry")
          .contains(" 0 failed");
      assertThat(directory.resolve("check.xml")).content().contains("<testsuite", "failures=\"0\"");
    }
  }
}
