package dev.idem.conformance;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of a conformance run: the target and one {@link CheckResult} per check that ran, in
 * the order they ran. Checks that were not enabled (after-expiry without a retention) are absent,
 * never listed as skipped. Immutable.
 *
 * @param target the URI the checks were sent to
 * @param profile the profile the target was held to
 * @param results one result per check, in order
 */
public record ConformanceReport(URI target, Profile profile, List<CheckResult> results) {
  private static final int BODY_PREVIEW = 300;

  /**
   * @throws NullPointerException if an argument is null
   */
  public ConformanceReport {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(profile, "profile");
    results = List.copyOf(results);
  }

  /** Whether every check passed. */
  public boolean passed() {
    return failedCount() == 0;
  }

  /** How many checks passed. */
  public int passedCount() {
    return (int) results.stream().filter(CheckResult::passed).count();
  }

  /** How many checks failed. */
  public int failedCount() {
    return results.size() - passedCount();
  }

  /** The results of the checks that failed, in order. */
  public List<CheckResult> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }

  /**
   * The human-readable report: a heading, one {@code PASS}/{@code FAIL} line per check, for each
   * failure its reason and the exchanges behind it, and a closing {@code N passed, M failed} line.
   * Plain ASCII apart from what the target itself sent, so it survives any terminal.
   */
  public String toText() {
    StringBuilder text = new StringBuilder();
    text.append("idem check ")
        .append(target)
        .append(" (profile ")
        .append(profile.id())
        .append(")\n\n");
    int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(0);
    for (CheckResult result : results) {
      text.append(result.passed() ? "  PASS  " : "  FAIL  ")
          .append(pad(result.name(), width))
          .append("  ")
          .append(result.description())
          .append('\n');
      if (!result.passed()) {
        text.append("          reason: ").append(result.reason()).append('\n');
        for (Exchange exchange : result.exchanges()) {
          appendExchange(text, exchange);
        }
      }
    }
    text.append('\n')
        .append(passedCount())
        .append(" passed, ")
        .append(failedCount())
        .append(" failed\n");
    return text.toString();
  }

  /**
   * The report as JUnit XML: one {@code <testsuite>} named after the target with a {@code
   * <testcase>} per check and a {@code <failure>} carrying the reason for each failed check; no
   * skipped entries. CI servers read this format.
   */
  public String toJUnitXml() {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    double total = results.stream().mapToLong(r -> r.elapsed().toMillis()).sum() / 1000.0;
    xml.append("<testsuite name=\"")
        .append(escape("idem check " + target))
        .append("\" tests=\"")
        .append(results.size())
        .append("\" failures=\"")
        .append(failedCount())
        .append("\" errors=\"0\" skipped=\"0\" time=\"")
        .append(seconds(total))
        .append("\">\n");
    xml.append("  <properties>\n");
    property(xml, "target", target.toString());
    property(xml, "profile", profile.id());
    xml.append("  </properties>\n");
    for (CheckResult result : results) {
      xml.append("  <testcase classname=\"idem.check.")
          .append(escape(profile.id()))
          .append("\" name=\"")
          .append(escape(result.name()))
          .append("\" time=\"")
          .append(seconds(result.elapsed().toMillis() / 1000.0))
          .append('"');
      if (result.passed()) {
        xml.append("/>\n");
        continue;
      }
      xml.append(">\n    <failure message=\"")
          .append(escape(String.valueOf(result.reason())))
          .append("\" type=\"idem.check.Failure\">");
      StringBuilder detail = new StringBuilder(result.description()).append('\n');
      for (Exchange exchange : result.exchanges()) {
        appendExchange(detail, exchange);
      }
      xml.append(escape(detail.toString())).append("</failure>\n  </testcase>\n");
    }
    xml.append("</testsuite>\n");
    return xml.toString();
  }

  private static void property(StringBuilder xml, String name, String value) {
    xml.append("    <property name=\"")
        .append(escape(name))
        .append("\" value=\"")
        .append(escape(value))
        .append("\"/>\n");
  }

  private static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.3f", seconds);
  }

  private static void appendExchange(StringBuilder text, Exchange exchange) {
    Exchange.Request request = exchange.request();
    text.append("          > ").append(request.method()).append(' ').append(request.uri());
    for (Exchange.Header header : request.headers()) {
      text.append(" | ").append(header.name()).append(": ").append(header.value());
    }
    if (!request.body().isEmpty()) {
      text.append(" | ").append(preview(request.body()));
    }
    text.append('\n');
    Exchange.Response response = exchange.response();
    if (response == null) {
      text.append("          < no response: ").append(exchange.error()).append('\n');
      return;
    }
    text.append("          < ").append(response.status());
    for (String name : List.of("Content-Type", "Idempotent-Replayed", "Retry-After", "Location")) {
      response.header(name).ifPresent(v -> text.append(" | ").append(name).append(": ").append(v));
    }
    if (!response.body().isEmpty()) {
      text.append(" | ").append(preview(response.body()));
    }
    text.append('\n');
  }

  private static String preview(String body) {
    String flat = body.replace('\n', ' ').replace('\r', ' ');
    return flat.length() <= BODY_PREVIEW ? flat : flat.substring(0, BODY_PREVIEW) + "...";
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  /** Escapes for XML 1.0 text and attributes; drops the control characters XML cannot carry. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        case '\n', '\r', '\t' -> out.append("&#").append((int) c).append(';');
        default -> {
          if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF) {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
