package dev.idem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@DisplayName("ConformanceReport rendering")
class ConformanceReportTest {
  static final URI TARGET = URI.create("http://127.0.0.1:8080/api/demo/orders?a=1&b=2");

  static ConformanceReport sample() {
    Exchange.Request request =
        new Exchange.Request(
            "POST",
            TARGET,
            List.of(new Exchange.Header("Idempotency-Key", "k<&>\"")),
            "{\"item\":\"x\"}");
    Exchange.Response response =
        new Exchange.Response(
            201, Map.of("content-type", List.of("application/json")), "{\"id\":\"<\u0001>\"}");
    return new ConformanceReport(
        TARGET,
        Profile.STRIPE,
        List.of(
            new CheckResult(
                "first-request",
                "runs",
                true,
                List.of(new Exchange(request, response, null)),
                null,
                Duration.ofMillis(12)),
            new CheckResult(
                "replay",
                "replays <exactly>",
                false,
                List.of(
                    new Exchange(request, response, null),
                    new Exchange(request, null, "HttpTimeoutException: request timed out")),
                "retry 1: Idempotent-Replayed: true is missing & \"more\"",
                Duration.ofMillis(1500))));
  }

  @Test
  @DisplayName("text: a line per check, the reason and exchanges of failures, a summary")
  void text() {
    String text = sample().toText();
    assertThat(text)
        .startsWith("idem check " + TARGET + " (profile stripe)\n")
        .contains("  PASS  first-request  runs\n")
        .contains("  FAIL  replay         replays <exactly>\n")
        .contains("reason: retry 1: Idempotent-Replayed: true is missing")
        .contains("> POST " + TARGET + " | Idempotency-Key: k<&>\"")
        .contains("< 201 | Content-Type: application/json")
        .contains("< no response: HttpTimeoutException: request timed out")
        .endsWith("\n1 passed, 1 failed\n");
  }

  @Test
  @DisplayName("JUnit XML: well-formed, one testsuite, a testcase per check, failure with reason")
  void junit() throws Exception {
    String xml = sample().toJUnitXml();
    Document document =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element suite = document.getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("tests")).isEqualTo("2");
    assertThat(suite.getAttribute("failures")).isEqualTo("1");
    assertThat(suite.getAttribute("skipped")).isEqualTo("0");
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(2);
    Element passed = (Element) cases.item(0);
    assertThat(passed.getAttribute("name")).isEqualTo("first-request");
    assertThat(passed.getAttribute("time")).isEqualTo("0.012");
    assertThat(passed.getElementsByTagName("failure").getLength()).isZero();
    Element failed = (Element) cases.item(1);
    Element failure = (Element) failed.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message"))
        .isEqualTo("retry 1: Idempotent-Replayed: true is missing & \"more\"");
    assertThat(failure.getTextContent()).contains("replays <exactly>").contains("<>");
    assertThat(document.getElementsByTagName("skipped").getLength()).isZero();
  }
}
