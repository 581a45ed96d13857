package dev.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Route patterns match what the same mapping matches in Spring MVC, and order as Spring does. */
class RoutePatternTest {

  @Nested
  @DisplayName("A pattern matches the paths its Spring MVC mapping matches")
  class Matching {
    @ParameterizedTest(name = "{0} matches {1}")
    @CsvSource({
      "/orders, /orders",
      "/, /",
      "/items/{id}, /items/42",
      "/items/*, /items/42",
      "/files/{name}.json, /files/report.json",
      "/files/{name}.json, /files/.json",
      "/v{version}/x, /v2/x",
      "/*.csv, /report.csv",
      "/exports/*.csv, /exports/a.b.csv",
      "/a?c, /abc",
      "/items/{id:\\d+}, /items/42",
      "/items/{id:\\d{2}}, /items/42",
      "/{*rest}, /",
      "/{*rest}, /a/b/c",
      "/files/{*rest}, /files",
      "/files/{*rest}, /files/a/b",
      "/payments/**, /payments",
      "/payments/**, /payments/1/refunds",
      "/**, /anything/at/all",
    })
    void matches(String pattern, String path) {
      assertThat(RoutePattern.parse(pattern).matches(path)).isTrue();
    }

    @ParameterizedTest(name = "{0} does not match {1}")
    @CsvSource({
      "/orders, /orders/",
      "/orders, /order",
      "/items/{id}, /items",
      "/items/{id}, /items/",
      "/items/*, /items/42/x",
      "/files/{name}.json, /files/report.txt",
      "/files/{name}.json, /files/a/b.json",
      "/v{version}/x, /w2/x",
      "/*.csv, /a/report.csv",
      "/a?c, /ac",
      "/items/{id:\\d+}, /items/search",
      "/files/{*rest}, /filesystem",
      "/payments/**, /paymentsx",
      "/a.c, /abc",
      "/(x), /x",
    })
    void doesNotMatch(String pattern, String path) {
      assertThat(RoutePattern.parse(pattern).matches(path)).isFalse();
    }
  }

  @Nested
  @DisplayName("Patterns it cannot match as Spring would are refused, naming the pattern")
  class Refused {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "/payments/**/refunds | may only be the last segment",
          "/a/{*rest}/b | may only be the last segment",
          "/a/b** | may only be the last segment",
          "/files/{name.json | unbalanced '{'",
          "/files/name}.json | unbalanced '}'",
          "/files/x{:\\d+} | a variable without a name",
          "/files/x{id:[} | is invalid",
          "orders | starts with '/'",
          "*.csv | starts with '/'",
        })
    void refuses(String pattern, String reason) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> RoutePattern.parse(pattern))
          .withMessageContaining(pattern)
          .withMessageContaining(reason);
    }
  }

  @Test
  @DisplayName("Most specific first: literal, then variables, then wildcards, catch-alls last")
  void ordersBySpecificityAsSpringDoes() {
    List<String> sorted =
        Stream.of(
                "/**",
                "/items/**",
                "/items/{*rest}",
                "/items/*",
                "/items/{id}",
                "/items/{id}.json",
                "/items/search",
                "/items/{a}/{b}")
            .map(RoutePattern::parse)
            .sorted(RoutePattern.MOST_SPECIFIC_FIRST)
            .map(RoutePattern::pattern)
            .toList();

    assertThat(sorted)
        .containsExactly(
            "/items/search",
            "/items/{id}.json",
            "/items/{id}",
            "/items/{a}/{b}",
            "/items/*",
            "/items/{*rest}",
            "/items/**",
            "/**");
  }
}
