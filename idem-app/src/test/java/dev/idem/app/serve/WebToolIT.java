package dev.idem.app.serve;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.idem.Collisions;
import dev.idem.KeyGenerator;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web tool in a real headless Chromium (the system's {@code /usr/bin/chromium}, driven by
 * Playwright), against {@code idem serve} started as users start it. Every section is exercised by
 * clicks; no page may log a console error or throw; each test writes its section's screenshot to
 * {@code target/screenshots/}, or to {@code docs/screenshots/} when run with {@code
 * -Didem.update-screenshots=true} (so the test suite leaves a clone's tracked files alone).
 *
 * <p>The one kind of console message tolerated is Chromium's own "Failed to load resource" line for
 * the 400, 409, 422 and 429 answers of the API that the page provokes on purpose (a duplicate in
 * flight is meant to get 409) and shows to the user: those are network log lines, not script
 * errors. A 404, a 5xx or any script error still fails the test.
 *
 * <p>{@link #codegenSection()} needs {@code /api/tools/codegen}, built on the codegen branch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebToolIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOTS =
      (Boolean.getBoolean("idem.update-screenshots")
              ? Path.of("..", "docs", "screenshots")
              : Path.of("target", "screenshots"))
          .toAbsolutePath()
          .normalize();
  private static final Pattern EXPECTED_API_ANSWER =
      Pattern.compile(
          "Failed to load resource: the server responded with a status of (400|409|422|429)\\b.*");

  private ServeProcess serve;
  private Playwright playwright;
  private Browser browser;
  private BrowserContext context;
  private Page page;
  private final List<String> consoleErrors = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    assertThat(CHROMIUM)
        .as("Chromium is installed (apt-get install chromium; .ci/run does it)")
        .isExecutable();
    Files.createDirectories(SCREENSHOTS);
    serve = ServeProcess.start(Files.createTempDirectory("idem-webtool"), "--store", "memory");
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync")));
  }

  @BeforeEach
  void open() {
    context =
        browser.newContext(
            new Browser.NewContextOptions().setViewportSize(1280, 900).setAcceptDownloads(true));
    context.grantPermissions(
        List.of("clipboard-read", "clipboard-write"),
        new BrowserContext.GrantPermissionsOptions().setOrigin(serve.base().toString()));
    context.setDefaultTimeout(30_000);
    page = context.newPage();
    consoleErrors.clear();
    page.onConsoleMessage(
        message -> {
          if (message.type().equals("error")
              && !(EXPECTED_API_ANSWER.matcher(message.text()).matches()
                  && message.location().contains("/api/"))) {
            consoleErrors.add(message.text() + " at " + message.location());
          }
        });
    page.onPageError(error -> consoleErrors.add("uncaught: " + error));
    page.navigate(serve.base() + "/");
    page.waitForSelector("body[data-ready=true]");
  }

  @AfterEach
  void close() {
    try {
      assertThat(consoleErrors).as("console errors and uncaught exceptions").isEmpty();
    } finally {
      context.close();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (serve != null) {
      serve.close();
    }
  }

  @Test
  @DisplayName("key generator: every format with its entropy and profiles, copy, bulk, inspect")
  void keyGenerator() {
    Locator section = page.locator("#keygen");
    assertThat(section.locator("#key-source")).containsText("CSPRNG");
    assertThat(section.locator("#key-source")).containsText("AES-256-CTR");

    record Expect(String format, String pattern, String bits, boolean sortable) {}
    List<Expect> formats =
        List.of(
            new Expect(
                "uuid4",
                "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                "122",
                false),
            new Expect(
                "uuid7",
                "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                "74",
                true),
            new Expect("ulid", "[0-7][0-9A-HJKMNP-TV-Z]{25}", "80", true),
            new Expect("base64url", "[A-Za-z0-9_-]{43}", "256", false),
            new Expect("timestamp", "\\d{13}-[A-Za-z0-9_-]{16}", "96", true),
            new Expect("composite", "client-42:\\d{13}:[A-Za-z0-9_-]{22}", "128", true));
    for (Expect expect : formats) {
      page.selectOption("#kg-format", expect.format());
      if (expect.format().equals("base64url")) {
        page.selectOption("#kg-bits", "256");
      }
      page.fill("#kg-count", "3");
      page.click("#kg-generate");
      assertThat(page.locator("#kg-status")).containsText("3 " + expect.format() + " keys");
      Locator rows = page.locator("#kg-results tbody tr");
      assertThat(rows).hasCount(3);
      for (int i = 0; i < 3; i++) {
        Locator row = rows.nth(i);
        assertThat(row.locator("td.key").textContent()).matches(expect.pattern());
        assertThat(row.locator(".entropy")).hasText(expect.bits());
        assertThat(row.locator("td").nth(2)).hasText(expect.sortable() ? "sortable" : "no");
        assertThat(row.locator(".badge.yes", new Locator.LocatorOptions().setHasText("ietf")))
            .hasCount(1);
      }
      if (expect.format().startsWith("uuid")) {
        // 36 characters: Amazon Pay's 32-character limit refuses a UUID, and the page says so.
        assertThat(
                rows.first()
                    .locator(".badge.no", new Locator.LocatorOptions().setHasText("amazon-pay")))
            .hasCount(1);
      }
    }

    // Hash: deterministic from method, path and body; the same key idem-core computes.
    page.selectOption("#kg-format", "hash");
    assertThat(page.locator("#kg-count")).isHidden();
    page.fill("#kg-path", "/api/demo/orders");
    page.fill("#kg-body", "{\"item\":\"book\",\"amount\":1200}");
    page.click("#kg-generate");
    assertThat(page.locator("#kg-status")).containsText("1 hash key");
    String expectedHash =
        KeyGenerator.hash(
            "POST",
            "/api/demo/orders",
            "{\"item\":\"book\",\"amount\":1200}".getBytes(StandardCharsets.UTF_8));
    assertThat(page.locator("#kg-results tbody tr td.key")).hasText(expectedHash);
    assertThat(page.locator("#kg-results tbody tr .entropy")).hasText("0");

    // Bulk: 100 distinct keys.
    page.selectOption("#kg-format", "ulid");
    page.click("#kg-bulk");
    Locator keys = page.locator("#kg-results tbody td.key");
    assertThat(keys).hasCount(100);
    assertThat(new HashSet<>(keys.allTextContents())).hasSize(100);

    // Copy one key, then all of them.
    String first = keys.first().textContent();
    Locator copy = page.locator("#kg-results button[data-copy='0']");
    copy.click();
    assertThat(copy).hasText("Copied ✓");
    assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(first);
    page.click("#kg-copy-all");
    assertThat(page.locator("#kg-copy-all")).hasText("Copied ✓");
    assertThat(((String) page.evaluate("navigator.clipboard.readText()")).split("\n"))
        .hasSize(100)
        .startsWith(first);

    // Inspect a pasted key.
    page.fill("#inspect-key", first);
    page.click("#inspect-run");
    assertThat(page.locator("#inspect-result .inspect-format")).hasText("ulid");
    assertThat(page.locator("#inspect-result .entropy")).hasText("80");
    page.fill("#inspect-key", "has a space in it, and a comma");
    page.click("#inspect-run");
    assertThat(page.locator("#inspect-result .badge.no")).hasCount(5);

    // The screenshot shows a short list.
    page.selectOption("#kg-format", "uuid7");
    page.fill("#kg-count", "5");
    page.click("#kg-generate");
    assertThat(page.locator("#kg-results tbody tr")).hasCount(5);
    page.fill("#inspect-key", first);
    page.click("#inspect-run");
    assertThat(page.locator("#inspect-result .inspect-format")).hasText("ulid");
    screenshot("keygen");
    page.evaluate("window.scrollTo(0, 0)");
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("web-tool.png")));
  }

  @Test
  @DisplayName("dedup simulator: the five scenarios against the real engine, with the counter")
  void dedupSimulator() throws Exception {
    String tenant = page.inputValue("#sim-tenant");
    assertThat(tenant).startsWith("sim-");
    assertThat(page.locator("#sim-store")).hasText("memory");
    assertThat(page.locator("#sim-count")).hasText("0");

    runScenario("new", "New key: executed (201); counter +1");
    runScenario(
        "duplicate", "Duplicate: executed once, replayed 4 times with the same order; counter +1");
    page.fill("#sim-burst", "5");
    runScenario(
        "concurrent", "Concurrent burst of 5: executed 1 time, 4 × 409 in progress; counter +1");
    runScenario(
        "mismatch",
        "Same key, different body: first executed, then refused with 422 (mismatch); counter +1");
    runScenario(
        "expiry",
        "After expiry: executed, replayed within 5 s, executed again after it; counter +2");

    assertThat(page.locator("#sim-count")).hasText("6");
    assertThat(serve.count(tenant)).as("orders the server placed for the tenant").isEqualTo(6);
    Locator timeline = page.locator("#sim-timeline li");
    assertThat(timeline.locator(".badge.executed")).hasCount(6);
    assertThat(timeline.locator(".badge.replayed")).hasCount(5);
    assertThat(timeline.locator(".badge.in-progress")).hasCount(4);
    assertThat(timeline.locator(".badge.mismatch")).hasCount(1);

    // A manual request without a key: refused with 400, nothing placed.
    page.fill("#sim-key", "");
    page.click("#sim-send");
    assertThat(timeline.last().locator(".badge")).hasText("400 bad request");
    assertThat(timeline.last()).containsText("Idempotency-Key");
    // A manual duplicate of a key typed by hand.
    page.fill("#sim-key", "manual-key-0123456789");
    page.click("#sim-send");
    assertThat(timeline.last().locator(".badge")).hasText("executed");
    page.click("#sim-send");
    assertThat(timeline.last().locator(".badge")).hasText("replayed");
    assertThat(page.locator("#sim-count")).hasText("7");
    assertThat(serve.count(tenant)).isEqualTo(7);
    screenshot("simulator");
  }

  private void runScenario(String scenario, String verdict) {
    page.click(".scenarios [data-scenario=" + scenario + "]");
    Locator result =
        page.locator("#sim-verdicts li[data-scenario=" + scenario + "]:not([data-state=running])");
    result.waitFor(new Locator.WaitForOptions().setTimeout(60_000));
    assertThat(result).hasAttribute("data-state", "pass");
    assertThat(result).hasText("✓ " + verdict);
  }

  @Test
  @DisplayName("strategy comparison and collision calculator")
  void strategiesAndCollisions() {
    Locator rows = page.locator("#strategy-table tbody tr");
    assertThat(rows).hasCount(7);
    assertThat(page.locator("#strategy-table tr[data-format=hash] td").nth(2))
        .hasText("yes"); // deterministic
    assertThat(page.locator("#strategy-table tr[data-format=ulid] td").nth(3))
        .hasText("yes"); // sortable
    assertThat(page.locator("#strategy-table tr[data-format=uuid4] td").nth(1)).hasText("122");
    screenshot("strategies");

    page.fill("#co-keys", "1e15");
    page.fill("#co-bits", "128");
    page.fill("#co-target", "1e-9");
    page.click("#co-run");
    assertThat(page.locator("#co-probability")).hasText(sci(Collisions.probability(1e15, 128)));
    assertThat(page.locator("#co-probability")).hasText("1.47 × 10^-9");
    assertThat(page.locator("#co-keys-until"))
        .hasText(sci(Collisions.keysForProbability(1e-9, 128)));
    assertThat(page.locator("#co-table tbody tr")).hasCount(6);

    page.fill("#co-keys", "many");
    page.click("#co-run");
    assertThat(page.locator("#co-result .error-text")).containsText("'many' is not a number");

    page.fill("#co-keys", "2^40");
    page.fill("#co-bits", "100");
    page.click("#co-run");
    assertThat(page.locator("#co-probability"))
        .hasText(sci(Collisions.probability(Math.pow(2, 40), 100)));
    screenshot("collision");
  }

  /** The page's formatting of large and tiny numbers, to compare with idem-core's values. */
  private static String sci(double value) {
    String[] parts = String.format(Locale.ROOT, "%.2e", value).split("e");
    return parts[0] + " × 10^" + Integer.parseInt(parts[1]);
  }

  @Test
  @DisplayName("conformance checker: idem check against the sandbox demo route, all checks pass")
  void conformanceChecker() {
    assertThat(page.locator("#ck-url")).hasValue(serve.base() + "/api/demo/orders?delayMs=300");
    page.fill("#ck-url", serve.base() + "/api/demo/sandbox/orders?delayMs=300");
    page.fill("#ck-retention", "5s");
    page.fill("#ck-concurrency", "6");
    page.click("#ck-run");
    Locator summary = page.locator("#ck-summary");
    summary.waitFor(new Locator.WaitForOptions().setTimeout(180_000));
    Locator checks = page.locator("#ck-results li[data-verdict]");
    assertThat(checks.count()).isGreaterThanOrEqualTo(10);
    assertThat(page.locator("#ck-results li[data-verdict=fail]")).hasCount(0);
    assertThat(summary).hasAttribute("data-passed", "true");
    assertThat(summary).containsText(checks.count() + " passed, 0 failed");
    assertThat(page.locator("#ck-results li[data-check*=expir]")).hasCount(1);
    assertThat(page.locator("#ck-status")).hasText("All checks passed.");
    screenshot("check");

    // A URL that is not http(s) is refused with the reason, and nothing runs.
    page.fill("#ck-url", "ftp://example.com/orders");
    page.click("#ck-run");
    assertThat(page.locator("#ck-status"))
        .hasText("url must be an absolute http:// or https:// URL.");
    assertThat(page.locator("#ck-results li")).hasCount(0);
  }

  @Test
  @DisplayName("tool API: bad input answers 400 problem+json with a precise detail")
  void toolApiRejectsBadInput() throws Exception {
    record Case(HttpRequest.Builder request, String detail) {}
    List<Case> cases =
        List.of(
            new Case(
                serve.request("/api/tools/keygen?format=uuid9").GET(), "format 'uuid9' is unknown"),
            new Case(
                serve.request("/api/tools/keygen?format=ulid&count=1001").GET(),
                "count must be from 1 to 1000"),
            new Case(
                serve.request("/api/tools/keygen?format=composite").GET(), "clientId is required"),
            new Case(
                serve.request("/api/tools/keygen?format=composite&clientId=a%20b").GET(),
                "clientId may hold only"),
            new Case(
                serve.request("/api/tools/keygen?format=base64url&bits=64").GET(),
                "bits must be 128 or 256"),
            new Case(
                serve.request("/api/tools/keygen?format=hash&count=2&path=/x").GET(), "count 1"),
            new Case(
                serve.request("/api/tools/collision?bits=0").GET(), "bits must be from 1 to 512"),
            new Case(
                serve.request("/api/tools/collision?target=1").GET(), "strictly between 0 and 1"),
            new Case(json("/api/tools/inspect", "{}"), "key is required"),
            new Case(
                json("/api/tools/check", "{\"url\":\"http://127.0.0.1:1/x\",\"concurrency\":500}"),
                "concurrency must be from 2 to 32"),
            new Case(
                json("/api/tools/check", "{\"url\":\"http://127.0.0.1:1/x\",\"retention\":\"1h\"}"),
                "at most 120 s"),
            new Case(
                json(
                    "/api/tools/check",
                    "{\"url\":\"http://127.0.0.1:1/x\",\"profile\":\"paypal\"}"),
                "paypal"));
    for (Case c : cases) {
      HttpResponse<String> response = serve.send(c.request());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(response.body())
          .contains(c.detail())
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }

    // An unreachable target is reported on the stream, not as a failed run of every check.
    HttpResponse<String> unreachable =
        serve.send(json("/api/tools/check", "{\"url\":\"http://127.0.0.1:1/orders\"}"));
    assertThat(unreachable.statusCode()).isEqualTo(200);
    assertThat(unreachable.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(unreachable.body()).contains("\"type\":\"error\"").contains("cannot reach");
  }

  private HttpRequest.Builder json(String path, String body) {
    return serve
        .request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** Needs /api/tools/codegen and /api/tools/codegen.zip from the codegen branch. */
  @Test
  @DisplayName("code generator: every framework, copy and download")
  void codegenSection() throws Exception {
    for (String[] option :
        List.of(
            new String[] {"express", "redis", "Express.js, "},
            new String[] {"fastapi", "postgres", "FastAPI, "},
            new String[] {"spring-boot", "memory", "Spring Boot, "})) {
      page.selectOption("#cg-framework", option[0]);
      page.selectOption("#cg-store", option[1]);
      page.fill("#cg-header", "X-Request-Key");
      page.click("#cg-generate");
      assertThat(page.locator("#cg-output")).isVisible();
      assertThat(page.locator("#cg-tabs [role=tab]").first()).isVisible();
      assertThat(page.locator("#cg-tabs [aria-selected=true]")).hasCount(1);
      // The previous framework's code is still shown until the new answer arrives: wait for this
      // one's summary line, or the copy below races the render.
      assertThat(page.locator("#cg-code")).containsText(option[2]);
      String code = page.locator("#cg-code").textContent();
      assertThat(code).isNotBlank();
      page.click("#cg-copy");
      assertThat(page.locator("#cg-copy")).hasText("Copied ✓");
      assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(code);
      Download download = page.waitForDownload(() -> page.click("#cg-download"));
      byte[] zip = Files.readAllBytes(download.path());
      assertThat(zip).startsWith((byte) 'P', (byte) 'K');
    }
    assertThat(
            page.locator("#cg-tabs [role=tab]").allTextContents().stream()
                .anyMatch(name -> name.endsWith(".java")))
        .isTrue();
    page.locator("#codegen")
        .waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
    screenshot("codegen");
  }

  private void screenshot(String section) {
    page.locator("#" + section)
        .screenshot(new Locator.ScreenshotOptions().setPath(SCREENSHOTS.resolve(section + ".png")));
  }
}
