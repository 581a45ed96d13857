package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.Idempotency;
import dev.idem.http.ScopeResolver;
import dev.idem.spring.testapp.OrdersApplication;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.yaml.snakeyaml.Yaml;

/**
 * The starter's telemetry as an operator receives it: Spring Boot's own tracing (Micrometer Tracing
 * on the OpenTelemetry SDK) and the Prometheus scrape, over real HTTP. The dashboard and alert
 * rules in {@code docs/observability} are checked against the scrape, so a renamed meter breaks
 * this test instead of silently emptying a panel.
 */
@SpringBootTest(
    classes = OrdersApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "idem.store.type=memory",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
      "management.tracing.sampling.probability=1.0",
      "management.endpoints.web.exposure.include=prometheus"
    })
@AutoConfigureObservability
@Import(TelemetryIT.InMemorySpans.class)
class TelemetryIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Path OBSERVABILITY = Path.of("../../docs/observability");

  // Not a bean: Boot would also hand a SpanExporter bean to its batch processor.
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  /** Exports every span synchronously as it ends, next to Boot's own processor. */
  @TestConfiguration(proxyBeanMethods = false)
  static class InMemorySpans {
    @Bean
    SpanProcessor inMemorySpans() {
      return SimpleSpanProcessor.create(SPANS);
    }
  }

  @LocalServerPort int port;
  @Autowired Idempotency idempotency;

  @Test
  void serverSpansCarryTheKeyDigestAndOutcomeButNeverTheKeyOrBody() throws Exception {
    String key = "telemetry-" + UUID.randomUUID();
    String item = "item-" + UUID.randomUUID();
    String other = "item-" + UUID.randomUUID();

    assertThat(post(key, item).statusCode()).isEqualTo(201);
    assertThat(post(key, item).statusCode()).isEqualTo(201);
    assertThat(post(key, other).statusCode()).isEqualTo(422);

    String digest = idempotency.storeKey(ScopeResolver.ANONYMOUS, key).hex();
    // The server span ends after the response is written, so it may be exported a moment later.
    List<SpanData> spans =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> spansWithDigest(digest), found -> found.size() == 3);

    assertThat(spans).allSatisfy(span -> assertThat(span.getKind()).isEqualTo(SpanKind.SERVER));
    assertThat(spans)
        .extracting(span -> span.getAttributes().get(IdemSpanAttributes.OUTCOME))
        .containsExactly("new", "replayed", "mismatch");
    assertThat(spans)
        .extracting(span -> span.getAttributes().get(IdemSpanAttributes.REPLAYED))
        .containsExactly(false, true, false);
    assertThat(spans.get(2).getAttributes().get(IdemSpanAttributes.PROBLEM))
        .isEqualTo("idempotency-key-reused");
    assertThat(spans)
        .allSatisfy(
            span ->
                assertThat(span.getAttributes().get(IdemSpanAttributes.DEDUP_LATENCY_MS))
                    .isNotNull()
                    .isNotNegative());
    assertThat(SPANS.getFinishedSpanItems())
        .flatExtracting(span -> span.getAttributes().asMap().values())
        .allSatisfy(
            value ->
                assertThat(String.valueOf(value))
                    .doesNotContain(key)
                    .doesNotContain(item)
                    .doesNotContain(other));
  }

  @Test
  void dashboardAndAlertRulesQueryOnlySeriesTheStarterExports() throws Exception {
    String key = "telemetry-" + UUID.randomUUID();
    String item = "item-" + UUID.randomUUID();
    post(key, item);
    post(key, item);
    post(key, "item-" + UUID.randomUUID());
    post(null, item);
    String scrape = scrape();
    Set<String> series = seriesNames(scrape);
    Set<String> outcomes = labelValues(scrape, "outcome");

    assertThat(series)
        .contains(
            "idempotency_key_status_total",
            "idempotency_hit_vs_miss_ratio",
            "idempotency_dedup_latency_seconds_bucket",
            "idempotency_header_missing_total",
            "stuck_pending_keys");
    assertThat(scrape).contains("idempotency_dedup_latency_seconds_bucket{le=\"0.005\"}");

    JsonNode dashboard = dashboard();
    List<String> panelQueries = new ArrayList<>();
    dashboard.findValues("expr").forEach(expr -> panelQueries.add(expr.asText()));
    assertThat(panelQueries).hasSizeGreaterThanOrEqualTo(10);
    Set<String> onDashboard = new HashSet<>();
    for (String expr : panelQueries) {
      onDashboard.addAll(checkedAgainstScrape("dashboard", expr, series, outcomes));
    }
    assertThat(onDashboard)
        .as("the dashboard shows every meter of the starter")
        .containsExactlyInAnyOrder(
            "idempotency_key_status_total",
            "idempotency_hit_vs_miss_ratio",
            "idempotency_dedup_latency_seconds_bucket",
            "idempotency_header_missing_total",
            "stuck_pending_keys");
    for (JsonNode variable : dashboard.at("/templating/list")) {
      Matcher labelValues =
          Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)")
              .matcher(variable.at("/query/query").asText());
      assertThat(labelValues.find()).as(variable.toString()).isTrue();
      assertThat(series).contains(labelValues.group(1));
    }

    List<Map<String, Object>> rules = alertRules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(5);
    Set<String> alerted = new HashSet<>();
    for (Map<String, Object> rule : rules) {
      assertThat(rule).containsKeys("alert", "expr", "for", "labels", "annotations");
      assertThat(asMap(rule.get("labels"))).containsKey("severity");
      assertThat(asMap(rule.get("annotations"))).containsKeys("summary", "description", "runbook");
      alerted.addAll(
          checkedAgainstScrape(
              "alert " + rule.get("alert"), (String) rule.get("expr"), series, outcomes));
    }
    assertThat(alerted)
        .contains(
            "idempotency_key_status_total",
            "idempotency_dedup_latency_seconds_bucket",
            "stuck_pending_keys");
  }

  /**
   * The metric names an expression selects, each asserted present in the scrape, and each {@code
   * outcome} it filters on asserted to be a value the counter has.
   */
  private static Set<String> checkedAgainstScrape(
      String where, String expr, Set<String> series, Set<String> outcomes) {
    Matcher outcome = Pattern.compile("outcome\\s*=~?\\s*\"([^\"]*)\"").matcher(expr);
    while (outcome.find()) {
      for (String value : outcome.group(1).split("\\|")) {
        assertThat(outcomes).as(where + ": outcome in " + expr).contains(value);
      }
    }
    Set<String> names = metricNames(expr);
    assertThat(names).as(where + ": metrics in " + expr).isNotEmpty();
    assertThat(series).as(where + ": " + expr).containsAll(names);
    return names;
  }

  private static final Set<String> PROMQL_WORDS =
      Set.of("and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring");

  /**
   * Identifiers of a PromQL expression that are neither functions, keywords nor labels: label
   * matchers, ranges and grouping clauses are cut out first.
   */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            // A grouping clause goes whole, so an aggregation reads as a function call.
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher identifier = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(bare);
    while (identifier.find()) {
      if (identifier.group(2) == null && !PROMQL_WORDS.contains(identifier.group(1))) {
        names.add(identifier.group(1));
      }
    }
    return names;
  }

  private static Set<String> seriesNames(String scrape) {
    Set<String> names = new HashSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static Set<String> labelValues(String scrape, String label) {
    Set<String> values = new HashSet<>();
    Matcher matcher = Pattern.compile("[{,]" + label + "=\"([^\"]*)\"").matcher(scrape);
    while (matcher.find()) {
      values.add(matcher.group(1));
    }
    return values;
  }

  private static JsonNode dashboard() throws Exception {
    Path file = OBSERVABILITY.resolve("grafana-dashboard.json");
    assertThat(file).as("run from the module directory").exists();
    JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
    assertThat(dashboard.at("/__inputs/0/name").asText()).isEqualTo("DS_PROMETHEUS");
    assertThat(dashboard.get("schemaVersion").asInt()).isPositive();
    assertThat(dashboard.findValues("datasource"))
        .allSatisfy(ds -> assertThat(ds.get("uid").asText()).isEqualTo("${DS_PROMETHEUS}"));
    return dashboard;
  }

  private static List<Map<String, Object>> alertRules() throws Exception {
    Path file = OBSERVABILITY.resolve("prometheus-alerts.yml");
    assertThat(file).as("run from the module directory").exists();
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(file)) {
      document = new Yaml().load(in);
    }
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : (List<?>) document.get("groups")) {
      for (Object rule : (List<?>) asMap(group).get("rules")) {
        rules.add(asMap(rule));
      }
    }
    return rules;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object yaml) {
    assertThat(yaml).isInstanceOf(Map.class);
    return (Map<String, Object>) yaml;
  }

  private static List<SpanData> spansWithDigest(String digest) {
    return SPANS.getFinishedSpanItems().stream()
        .filter(span -> digest.equals(span.getAttributes().get(IdemSpanAttributes.KEY_DIGEST)))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private String scrape() throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> post(@Nullable String key, String item) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + item + "\"}"));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
