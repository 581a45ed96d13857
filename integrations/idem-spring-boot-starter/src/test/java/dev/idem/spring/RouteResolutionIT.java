package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.spring.routingapp.RoutingApplication;
import dev.idem.spring.routingapp.RoutingController;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Exactly the requests Spring MVC sends to an {@code @Idempotent} method are protected, with that
 * method's policy, over real HTTP: however the path is spelt, whatever pattern syntax the mapping
 * uses, and whichever other mapping overlaps it.
 */
@SpringBootTest(
    classes = RoutingApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "idem.store.type=memory",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class RouteResolutionIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired RoutingController handlers;

  @Nested
  @DisplayName("A path Spring routes to a protected handler is protected however it is spelt")
  class Spelling {
    @ParameterizedTest
    @ValueSource(strings = {"/orders;x=1", "/%6Frders", "/orders;jsessionid=abc"})
    void aDisguisedPathWithoutAKeyIsRefused(String path) throws Exception {
      int before = handlers.runs("orders");

      HttpResponse<String> response = post(path, null);

      assertThat(response.statusCode()).as("POST %s without a key", path).isEqualTo(400);
      assertThat(response.body()).contains("idempotency-key-missing");
      assertThat(handlers.runs("orders")).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders;v=1", "/%6Frders"})
    void aDisguisedPathRunsOnceAndReplays(String path) throws Exception {
      int before = handlers.runs("orders");
      String key = newKey();

      HttpResponse<String> first = post(path, key);
      HttpResponse<String> second = post(path, key);

      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(handlers.runs("orders")).isEqualTo(before + 1);
    }
  }

  @Nested
  @DisplayName("Every pattern syntax Spring accepts protects what it maps")
  class Syntax {
    @ParameterizedTest
    @CsvSource({
      "/files/report.json, file",
      "/v2/reports, report",
      "/exports/monthly.csv, export",
      "/tree/a/b, tree",
      "/tree, tree",
      "/items/42, item"
    })
    void protects(String path, String handler) throws Exception {
      int before = handlers.runs(handler);

      HttpResponse<String> response = post(path, null);

      assertThat(response.statusCode()).as("POST %s without a key", path).isEqualTo(400);
      assertThat(response.body()).contains("idempotency-key-missing");
      assertThat(handlers.runs(handler)).isEqualTo(before);
    }

    @Test
    void aPathNoHandlerMapsIsLeftToSpring() throws Exception {
      assertThat(post("/files/report.txt", null).statusCode()).isEqualTo(404);
    }
  }

  @Nested
  @DisplayName("When mappings overlap, the handler Spring picks decides")
  class Overlap {
    @Test
    void anUnannotatedMoreSpecificHandlerIsLeftAlone() throws Exception {
      int before = handlers.runs("search");

      HttpResponse<String> keyless = post("/items/search", null);

      assertThat(keyless.statusCode()).isEqualTo(201);
      assertThat(keyless.body()).startsWith("search #");
      assertThat(handlers.runs("search")).isEqualTo(before + 1);
    }

    @Test
    void eachAnnotatedHandlerHasItsOwnPolicy() throws Exception {
      int accounts = handlers.runs("account");
      int created = handlers.runs("new-account");

      HttpResponse<String> optional = post("/accounts/7", null);
      HttpResponse<String> required = post("/accounts/new", null);

      assertThat(optional.statusCode()).isEqualTo(201);
      assertThat(handlers.runs("account")).isEqualTo(accounts + 1);
      assertThat(required.statusCode()).isEqualTo(400);
      assertThat(required.body()).contains("idempotency-key-missing");
      assertThat(handlers.runs("new-account")).isEqualTo(created);
    }
  }

  HttpResponse<String> post(String path, @Nullable String key) throws Exception {
    return post(port, path, key);
  }

  static HttpResponse<String> post(int port, String path, @Nullable String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }
}
