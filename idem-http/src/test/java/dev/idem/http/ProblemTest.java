package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemTest {

  @Test
  void jsonHasTheRfc9457Members() {
    Problem problem = Problem.of(ProblemType.KEY_MISSING, "Send a key.");
    assertThat(problem.toJson())
        .isEqualTo(
            "{\"type\":\"https://idem.dev/problems/idempotency-key-missing\","
                + "\"title\":\"Idempotency-Key missing\",\"status\":400,\"detail\":\"Send a key.\"}");
  }

  @Test
  void escapesQuotesBackslashesControlsAndLoneSurrogates() {
    Problem problem = Problem.of(ProblemType.KEY_MALFORMED, "a\"b\\c\nd\u0001e\u2028f\ud800g");
    assertThat(problem.toJson()).contains("\"detail\":\"a\\\"b\\\\c\\nd\\u0001e\\u2028f\\ud800g\"");
  }

  @Test
  void keepsPairedSurrogates() {
    assertThat(Problem.of(ProblemType.KEY_MALFORMED, "\ud83d\ude00").toJson())
        .contains("\ud83d\ude00");
  }

  @Test
  void retryAfterIsWholeSecondsAtLeastOne() {
    Problem inProgress =
        new Problem(ProblemType.REQUEST_IN_PROGRESS, 409, "wait", Duration.ofMillis(1500));
    ResponseSnapshot response = inProgress.toResponse();
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.header("retry-after")).contains("2");
    assertThat(response.header("Content-Type")).contains("application/problem+json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("\"retryAfterSeconds\":2");
    assertThat(
            new Problem(ProblemType.STORE_UNAVAILABLE, 503, "x", Duration.ZERO).retryAfterSeconds())
        .isEqualTo(1);
  }

  @Test
  void typeUrisAreStable() {
    assertThat(ProblemType.KEY_REUSED.uri().toString())
        .isEqualTo("https://idem.dev/problems/idempotency-key-reused");
    assertThat(ProblemType.REQUEST_IN_PROGRESS.uri().toString())
        .isEqualTo("https://idem.dev/problems/request-in-progress");
    assertThat(ProblemType.STORE_UNAVAILABLE.uri().toString())
        .isEqualTo("https://idem.dev/problems/store-unavailable");
    assertThat(ProblemType.BODY_TOO_LARGE.uri().toString())
        .isEqualTo("https://idem.dev/problems/body-too-large");
    assertThat(ProblemType.RESPONSE_TOO_LARGE.uri().toString())
        .isEqualTo("https://idem.dev/problems/response-too-large");
  }
}
