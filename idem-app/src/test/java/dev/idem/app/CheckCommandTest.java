package dev.idem.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.conformance.ReferenceServer;
import dev.idem.conformance.ReferenceServer.Flaw;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code idem check} against in-process reference servers over loopback HTTP. */
@DisplayName("idem check")
class CheckCommandTest {

  record Run(int status, String out, String err) {}

  static Run idem(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = IdemCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  @DisplayName("exits 0 and prints the report when a correct server passes every check")
  void passes() throws Exception {
    try (ReferenceServer server = ReferenceServer.correct()) {
      Run run = idem("check", server.ordersUri().toString());
      assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
      assertThat(run.out())
          .startsWith("idem check " + server.ordersUri() + " (profile ietf)")
          .contains("  PASS  concurrent-duplicates")
          .doesNotContain("FAIL")
          .endsWith("15 passed, 0 failed\n");
      assertThat(run.err()).contains("  pass  missing-key");
    }
  }

  @Test
  @DisplayName("takes every option: stripe, PATCH, headers, retention, concurrency, timeout")
  void everyOption() throws Exception {
    try (ReferenceServer server =
        ReferenceServer.builder().mismatchStatus(400).retention(Duration.ofMillis(500)).start()) {
      Run run =
          idem(
              "check",
              server.ordersUri() + "?delayMs=50",
              "--profile",
              "stripe",
              "--method",
              "PATCH",
              "--header",
              "X-Tenant-Id: tenant-a",
              "-H",
              "Authorization:Bearer t",
              "--body",
              "{\"item\":\"book\",\"amount\":7}",
              "--mismatch-body",
              "{\"item\":\"book\",\"amount\":8}",
              "--concurrency",
              "4",
              "--retention",
              "500ms",
              "--timeout",
              "PT5S");
      assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
      assertThat(run.out())
          .contains("(profile stripe)")
          .contains("  PASS  after-expiry")
          .contains("4 simultaneous duplicates")
          .endsWith("16 passed, 0 failed\n");
    }
  }

  @Test
  @DisplayName("exits 1 and names the failed check when the server skips the fingerprint check")
  void failsBrokenServer() throws Exception {
    try (ReferenceServer server =
        ReferenceServer.builder().flaw(Flaw.NO_FINGERPRINT_CHECK).start()) {
      Run run = idem("check", server.ordersUri().toString());
      assertThat(run.status()).isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(run.out())
          .contains("  FAIL  mismatch")
          .contains("reason: expected 422 (profile ietf) for the same key with a different body")
          .endsWith("14 passed, 1 failed\n");
    }
  }

  @Test
  @DisplayName("exits 1 when the server does not deduplicate at all")
  void failsNoDeduplication() throws Exception {
    try (ReferenceServer server =
        ReferenceServer.builder()
            .flaw(Flaw.NO_DEDUPLICATION)
            .handlerDelay(Duration.ofMillis(100))
            .start()) {
      Run run = idem("check", server.ordersUri().toString());
      assertThat(run.status()).isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(run.out()).contains("  FAIL  replay").contains("  FAIL  concurrent-duplicates");
    }
  }

  @Test
  @DisplayName("--junit writes well-formed JUnit XML with a testcase per check")
  void junit(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("reports/idem-check.xml");
    try (ReferenceServer server = ReferenceServer.builder().flaw(Flaw.GET_CONSUMES_KEYS).start()) {
      Run run = idem("check", server.ordersUri().toString(), "--junit", file.toString());
      assertThat(run.status()).isEqualTo(ExitCodes.FAILED_CHECK);
    }
    Document xml =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(file));
    Element suite = xml.getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("tests")).isEqualTo("15");
    assertThat(suite.getAttribute("failures")).isEqualTo("1");
    NodeList failures = suite.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(1);
    Element failed = (Element) failures.item(0).getParentNode();
    assertThat(failed.getAttribute("name")).isEqualTo("get-pass-through");
    assertThat(((Element) failures.item(0)).getAttribute("message")).contains("GET");
  }

  @Test
  @DisplayName("an unreachable URL gives one clear line on stderr, no stack trace, exit 69")
  void unreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/api/demo/orders";
    Run run = idem("check", url);
    assertThat(run.status()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().trim())
        .startsWith("idem check: cannot reach " + url + ": ConnectException")
        .doesNotContain("\tat ")
        .hasLineCount(1);
  }

  @Test
  @DisplayName("bad usage exits 2 with the problem on stderr")
  void usage() {
    for (String[] args :
        new String[][] {
          {"check"},
          {"check", "http://127.0.0.1:1/x", "--method", "PUT"},
          {"check", "http://127.0.0.1:1/x", "--profile", "adyen"},
          {"check", "http://127.0.0.1:1/x", "--retention", "soon"},
          {"check", "http://127.0.0.1:1/x", "--header", "no-colon"},
          {"check", "http://127.0.0.1:1/x", "--concurrency", "1"},
          {"check", "http://127.0.0.1:1/x", "--body", "plain text"},
          {"check", "ftp://127.0.0.1/x"},
        }) {
      Run run = idem(args);
      assertThat(run.status()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(run.out()).as(String.join(" ", args)).isEmpty();
      assertThat(run.err()).as(String.join(" ", args)).isNotBlank();
    }
  }

  @Test
  @DisplayName("durations: 1500ms, 30s, 2m, 1h, 1d and ISO-8601")
  void durations() {
    assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }
}
