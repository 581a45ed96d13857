package dev.idem.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.conformance.ReferenceServer.Flaw;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the checker over real loopback HTTP against the reference server, correct and broken. */
@DisplayName("ConformanceChecker")
class ConformanceCheckerTest {

  static final List<String> ALWAYS =
      List.of(
          "missing-key",
          "malformed-key-empty",
          "malformed-key-too-long",
          "malformed-key-comma",
          "malformed-key-space",
          "malformed-key-non-ascii",
          "malformed-key-two-fields",
          "first-request",
          "replay",
          "header-name-lowercase",
          "header-name-uppercase",
          "quoted-key",
          "mismatch",
          "concurrent-duplicates",
          "get-pass-through");

  static ConformanceReport check(ReferenceServer server, Profile profile, Duration retention) {
    ConformanceChecker.Builder builder =
        ConformanceChecker.builder().target(server.ordersUri()).profile(profile);
    if (retention != null) {
      builder.retention(retention);
    }
    return builder.build().run();
  }

  static Set<String> failed(ConformanceReport report) {
    Set<String> names = new TreeSet<>();
    report.failures().forEach(r -> names.add(r.name()));
    return names;
  }

  @Nested
  @DisplayName("against a correct server")
  class Correct {
    @Test
    @DisplayName("passes every check with the ietf profile, and lists no after-expiry check")
    void ietf() throws IOException {
      try (ReferenceServer server = ReferenceServer.correct()) {
        ConformanceReport report = check(server, Profile.IETF, null);
        assertThat(report.failures()).as(report.toText()).isEmpty();
        assertThat(report.results())
            .extracting(CheckResult::name)
            .containsExactlyElementsOf(ALWAYS);
        assertThat(report.passedCount()).isEqualTo(ALWAYS.size());
        assertThat(report.toText()).endsWith(ALWAYS.size() + " passed, 0 failed\n");
        // The non-ASCII key really reached the server as UTF-8 bytes (read back as Latin-1),
        // not as the '?' the JDK client would have made of it.
        assertThat(server.keysSeen()).anyMatch(k -> k.contains("\u00c3\u00a9"));
        assertThat(server.keysSeen()).noneMatch(k -> k.contains("?"));
      }
    }

    @Test
    @DisplayName("passes every check with the stripe profile and retention, after-expiry included")
    void stripeWithRetention() throws IOException {
      try (ReferenceServer server =
          ReferenceServer.builder().mismatchStatus(400).retention(Duration.ofMillis(800)).start()) {
        ConformanceReport report = check(server, Profile.STRIPE, Duration.ofMillis(800));
        assertThat(report.failures()).as(report.toText()).isEmpty();
        assertThat(report.results()).extracting(CheckResult::name).endsWith("after-expiry");
        assertThat(report.results()).hasSize(ALWAYS.size() + 1);
      }
    }

    @Test
    @DisplayName("passes with a slow handler, where the duplicates meet 409 with Retry-After")
    void slowHandler() throws IOException {
      try (ReferenceServer server =
          ReferenceServer.builder()
              .handlerDelay(Duration.ofMillis(250))
              .retention(Duration.ofMillis(500))
              .start()) {
        ConformanceReport report =
            ConformanceChecker.builder()
                .target(server.ordersUri())
                .concurrency(6)
                .retention(Duration.ofMillis(500))
                .build()
                .run();
        assertThat(report.failures()).as(report.toText()).isEmpty();
        CheckResult burst = result(report, "concurrent-duplicates");
        List<Integer> statuses = new ArrayList<>();
        burst.exchanges().forEach(e -> statuses.add(e.response().status()));
        // 6 duplicates plus the follow-up replay; the slow handler keeps 5 of them out with 409.
        assertThat(statuses).hasSize(7).contains(201).contains(409);
      }
    }

    @Test
    @DisplayName("passes with PATCH, extra headers and an explicit mismatch body")
    void patchWithHeaders() throws IOException {
      try (ReferenceServer server = ReferenceServer.correct()) {
        ConformanceReport report =
            ConformanceChecker.builder()
                .target(server.ordersUri())
                .method("patch")
                .headers(Map.of("X-Tenant-Id", "tenant-a"))
                .body("{\"item\":\"x\"}")
                .mismatchBody("{\"item\":\"y\"}")
                .build()
                .run();
        assertThat(report.failures()).as(report.toText()).isEmpty();
        assertThat(result(report, "first-request").exchanges().get(0).request().headers())
            .contains(new Exchange.Header("X-Tenant-Id", "tenant-a"))
            .contains(new Exchange.Header("Content-Type", "application/json"));
        assertThat(result(report, "first-request").exchanges().get(0).request().method())
            .isEqualTo("PATCH");
      }
    }

    @Test
    @DisplayName("closes its HTTP client after each run where the JDK can (21+)")
    void closesItsClient() throws IOException, InterruptedException {
      Set<Thread> before = selectorThreads();
      try (ReferenceServer server = ReferenceServer.correct()) {
        ConformanceChecker checker =
            ConformanceChecker.builder().target(server.ordersUri()).build();
        for (int i = 0; i < 3; i++) {
          assertThat(checker.run().passed()).isTrue();
        }
      }
      if (!AutoCloseable.class.isAssignableFrom(HttpClient.class)) {
        // JDK 17-20: HttpClient has no close(); its thread ends when the client is collected.
        assertThat(Runtime.version().feature()).isLessThan(21);
        return;
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      Set<Thread> left = selectorThreads();
      left.removeAll(before);
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
        left = selectorThreads();
        left.removeAll(before);
      }
      assertThat(left).as("selector threads of the runs' clients").isEmpty();
    }

    private static Set<Thread> selectorThreads() {
      Set<Thread> threads = new HashSet<>();
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.isAlive() && thread.getName().matches("HttpClient-\\d+-SelectorManager")) {
          threads.add(thread);
        }
      }
      return threads;
    }

    @Test
    @DisplayName("uses a fresh key in every check, so a second run passes too")
    void repeatable() throws IOException {
      try (ReferenceServer server = ReferenceServer.correct()) {
        ConformanceChecker checker =
            ConformanceChecker.builder().target(server.ordersUri()).build();
        assertThat(checker.run().passed()).isTrue();
        ConformanceReport again = checker.run();
        assertThat(again.failures()).as(again.toText()).isEmpty();
      }
    }

    @Test
    @DisplayName("tells a listener about every check as it starts and finishes")
    void listener() throws IOException {
      List<String> events = new ArrayList<>();
      try (ReferenceServer server = ReferenceServer.correct()) {
        ConformanceReport report =
            ConformanceChecker.builder()
                .target(server.ordersUri())
                .listener(
                    new CheckListener() {
                      @Override
                      public void started(String name, String description) {
                        events.add("start " + name);
                      }

                      @Override
                      public void finished(CheckResult result) {
                        events.add("end " + result.name() + " " + result.passed());
                      }
                    })
                .build()
                .run();
        assertThat(report.passed()).isTrue();
      }
      assertThat(events).hasSize(2 * ALWAYS.size());
      assertThat(events.subList(0, 2)).containsExactly("start missing-key", "end missing-key true");
    }
  }

  static Stream<Arguments> brokenServers() {
    return Stream.of(
        Arguments.of(
            Flaw.NO_DEDUPLICATION,
            Set.of(
                "replay",
                "header-name-lowercase",
                "header-name-uppercase",
                "quoted-key",
                "mismatch",
                "concurrent-duplicates")),
        Arguments.of(Flaw.NO_FINGERPRINT_CHECK, Set.of("mismatch")),
        Arguments.of(Flaw.NO_IN_PROGRESS_HANDLING, Set.of("concurrent-duplicates")),
        Arguments.of(
            Flaw.NO_REPLAY_HEADER,
            Set.of(
                "replay",
                "header-name-lowercase",
                "header-name-uppercase",
                "quoted-key",
                "mismatch",
                "concurrent-duplicates")),
        Arguments.of(
            Flaw.ACCEPTS_MALFORMED_KEYS,
            Set.of(
                "malformed-key-empty",
                "malformed-key-too-long",
                "malformed-key-comma",
                "malformed-key-space",
                "malformed-key-non-ascii",
                "malformed-key-two-fields")),
        Arguments.of(Flaw.MISSING_KEY_ALLOWED, Set.of("missing-key")),
        Arguments.of(Flaw.GET_CONSUMES_KEYS, Set.of("get-pass-through")));
  }

  @ParameterizedTest(name = "{0} fails {1}")
  @MethodSource("brokenServers")
  @DisplayName("fails a broken server with exactly the checks that catch its flaw")
  void broken(Flaw flaw, Set<String> expectedFailures) throws IOException {
    // A slow handler makes duplicates overlap, which is what exposes missing in-progress handling.
    Duration delay =
        flaw == Flaw.NO_IN_PROGRESS_HANDLING || flaw == Flaw.NO_DEDUPLICATION
            ? Duration.ofMillis(200)
            : Duration.ZERO;
    try (ReferenceServer server =
        ReferenceServer.builder().flaw(flaw).handlerDelay(delay).start()) {
      ConformanceReport report = check(server, Profile.IETF, null);
      assertThat(report.passed()).isFalse();
      assertThat(failed(report)).as(report.toText()).isEqualTo(new TreeSet<>(expectedFailures));
      for (CheckResult failure : report.failures()) {
        assertThat(failure.reason()).isNotBlank();
        assertThat(failure.exchanges()).isNotEmpty();
      }
      assertThat(report.toText())
          .contains("FAIL  ")
          .endsWith(
              (ALWAYS.size() - expectedFailures.size())
                  + " passed, "
                  + expectedFailures.size()
                  + " failed\n");
    }
  }

  @Test
  @DisplayName("fails after-expiry against a server that keeps keys longer than told")
  void retentionLongerThanClaimed() throws IOException {
    try (ReferenceServer server = ReferenceServer.correct()) {
      ConformanceReport report = check(server, Profile.IETF, Duration.ofMillis(200));
      assertThat(failed(report)).containsExactly("after-expiry");
      assertThat(result(report, "after-expiry").reason()).contains("replay");
    }
  }

  @Test
  @DisplayName("holds a stripe server to the ietf mismatch status when told to, and fails it")
  void profileMatters() throws IOException {
    try (ReferenceServer server = ReferenceServer.builder().mismatchStatus(400).start()) {
      ConformanceReport report = check(server, Profile.IETF, null);
      assertThat(failed(report)).containsExactly("mismatch");
      assertThat(result(report, "mismatch").reason()).contains("expected 422").contains("got 400");
    }
  }

  @Test
  @DisplayName("throws TargetUnreachableException when nothing listens at the target")
  void unreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    URI target = URI.create("http://127.0.0.1:" + port + "/api/demo/orders");
    ConformanceChecker checker = ConformanceChecker.builder().target(target).build();
    assertThatThrownBy(checker::run)
        .isInstanceOf(TargetUnreachableException.class)
        .hasMessageStartingWith("cannot reach " + target)
        .satisfies(e -> assertThat(((TargetUnreachableException) e).target()).isEqualTo(target));
  }

  @Nested
  @DisplayName("builder")
  class BuilderRules {
    @Test
    @DisplayName("lists every problem at once")
    void everyProblem() {
      assertThatThrownBy(
              () ->
                  ConformanceChecker.builder()
                      .method("PUT")
                      .concurrency(1)
                      .retention(Duration.ZERO)
                      .requestTimeout(Duration.ofSeconds(-1))
                      .headers(Map.of("Idempotency-Key", "x"))
                      .body("not json")
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(7 problems)")
          .hasMessageContaining("target is required")
          .hasMessageContaining("method must be POST or PATCH, was PUT")
          .hasMessageContaining("concurrency must be 2 to 256, was 1")
          .hasMessageContaining("retention must be positive")
          .hasMessageContaining("requestTimeout must be positive")
          .hasMessageContaining("the checker sends its own fresh keys")
          .hasMessageContaining("set mismatchBody");
    }

    @Test
    @DisplayName(
        "refuses non-http targets, client-owned headers and a mismatch body equal to the body")
    void badValues() {
      assertThatThrownBy(
              () ->
                  ConformanceChecker.builder()
                      .target(URI.create("ftp://example.org/x"))
                      .headers(Map.of("Host", "x", "Bad Name", "y"))
                      .mismatchBody(ConformanceChecker.DEFAULT_BODY)
                      .build())
          .hasMessageContaining("(4 problems)")
          .hasMessageContaining("target must be an http or https URI")
          .hasMessageContaining("header Host cannot be set")
          .hasMessageContaining("'Bad Name' is not a valid HTTP field name")
          .hasMessageContaining("mismatchBody must differ from body");
    }

    @Test
    @DisplayName("allows each option once")
    void once() {
      ConformanceChecker.Builder builder = ConformanceChecker.builder().concurrency(4);
      assertThatThrownBy(() -> builder.concurrency(5))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("concurrency was already set");
    }

    @Test
    @DisplayName("derives the mismatch body from the default body by bumping the amount")
    void defaults() {
      ConformanceChecker checker =
          ConformanceChecker.builder().target(URI.create("http://127.0.0.1:1/x")).build();
      assertThat(checker.mismatchBody()).isEqualTo("{\"item\":\"idem-check\",\"amount\":2}");
      assertThat(checker.checkNames()).containsExactlyElementsOf(ALWAYS);
    }
  }

  static CheckResult result(ConformanceReport report, String name) {
    return report.results().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
