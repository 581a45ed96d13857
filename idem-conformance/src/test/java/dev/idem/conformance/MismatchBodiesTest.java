package dev.idem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("the derived mismatch body")
class MismatchBodiesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"item\":\"idem-check\",\"amount\":1}|{\"item\":\"idem-check\",\"amount\":2}",
        "{\"a\":{\"n\":1},\"price\":-1.5}|{\"a\":{\"n\":1},\"price\":-0.5}",
        "{\"note\":\"say \\\"hi\\\"\",\"tags\":[1,2]}|{\"note\":\"say \\\"hi\\\"-mismatch\",\"tags\":[1,2]}",
        "{ \"ok\" : true }|{\"idemCheckMismatch\":true, \"ok\" : true }",
        "{}|{\"idemCheckMismatch\":true}",
        "{\"big\":99999999999999999999}|{\"big\":100000000000000000000}",
      })
  @DisplayName("changes one value of a JSON object")
  void derives(String body, String expected) {
    assertThat(MismatchBodies.derive(body)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[1,2]", "{\"a\":1", "{\"a\":1} trailing", "\"s\""})
  @DisplayName("has nothing to offer for anything but a whole JSON object")
  void refuses(String body) {
    assertThat(MismatchBodies.derive(body)).isEmpty();
  }
}
