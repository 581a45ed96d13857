package dev.idem.bench.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.testservers.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A smoke test of the HTTP benchmark harness, not a timing test: the load target answers as the
 * benchmark assumes on both stores, and the open-loop generator counts what it sends.
 */
@DisplayName("The HTTP load target and the open-loop generator")
class LoadTargetAppIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String REDIS_PREFIX = RedisTestServer.newKeyPrefix();
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  @AfterAll
  static void deleteKeys() {
    RedisTestServer.shared().deleteKeys(REDIS_PREFIX);
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"memory", "redis"})
  void bareRunsEveryTimeAndProtectedReplaysADuplicate(String store) throws Exception {
    try (ConfigurableApplicationContext app = start(store)) {
      URI base = URI.create("http://127.0.0.1:" + port(app));
      String key = "smoke-" + UUID.randomUUID();

      HttpResponse<String> bare1 = post(base.resolve("/bare/orders"), key);
      HttpResponse<String> bare2 = post(base.resolve("/bare/orders"), key);
      HttpResponse<String> first = post(base.resolve("/protected/orders"), key);
      HttpResponse<String> again = post(base.resolve("/protected/orders"), key);
      HttpResponse<String> keyless = post(base.resolve("/protected/orders"), null);

      assertThat(List.of(bare1.statusCode(), bare2.statusCode())).containsOnly(201);
      assertThat(id(bare2)).isGreaterThan(id(bare1));
      assertThat(bare2.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.body()).contains("\"item\":\"widget-42\"", "\"quantity\":2");
      assertThat(again.statusCode()).isEqualTo(201);
      assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(keyless.statusCode()).isEqualTo(400);
    }
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"memory", "redis"})
  void theOpenLoopGeneratorGetsA201ForEveryFreshKey(String store) throws Exception {
    try (ConfigurableApplicationContext app = start(store)) {
      for (String path : List.of("/bare/orders", "/protected/orders")) {
        URI url = URI.create("http://127.0.0.1:" + port(app) + path);

        OpenLoopLoad.Result result =
            OpenLoopLoad.run(url, 200, 1, 0.5, 4, "smoke-" + UUID.randomUUID() + "-");

        assertThat(result.errors()).as(path).isZero();
        assertThat(result.completed()).as(path).isEqualTo(200);
        assertThat(result.percentile(50))
            .as(path)
            .isPositive()
            .isLessThanOrEqualTo(result.percentile(99));
      }
    }
  }

  private static ConfigurableApplicationContext start(String store) {
    SpringApplication app = new SpringApplication(LoadTargetApp.class);
    app.setDefaultProperties(LoadTargetApp.DEFAULTS);
    RedisTestServer redis = RedisTestServer.shared();
    return app.run(
        "--server.port=0",
        "--idem.store.type=" + store,
        "--idem.store.redis.key-prefix=" + REDIS_PREFIX,
        "--spring.data.redis.url=" + redis.uri());
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  private static long id(HttpResponse<String> response) {
    Matcher matcher = ID.matcher(response.body());
    assertThat(matcher.find()).as(response.body()).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  private static HttpResponse<String> post(URI url, @Nullable String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(OpenLoopLoad.BODY));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
