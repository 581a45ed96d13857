package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Idempotency-Key field parsing")
class KeyHeaderTest {

  @Test
  void noFieldIsAbsent() {
    assertThat(KeyHeader.parse(List.of())).isEqualTo(new KeyHeader.Absent());
  }

  @Test
  void bareValueIsTheKeyWithOwsTrimmed() {
    assertThat(KeyHeader.parse(List.of(" \tabc-123\t ")))
        .isEqualTo(new KeyHeader.Present("abc-123"));
  }

  @Test
  void quotedSfStringEqualsTheBareKey() {
    assertThat(KeyHeader.parse(List.of("\"abc-123\"")))
        .isEqualTo(KeyHeader.parse(List.of("abc-123")));
  }

  @Test
  void sfStringEscapesAreUnescaped() {
    assertThat(KeyHeader.parseValue("\"a\\\"b\\\\c\"")).isEqualTo(new KeyHeader.Present("a\"b\\c"));
  }

  @Test
  void wellFormedParametersAreIgnored() {
    assertThat(KeyHeader.parseValue("\"abc\";a=1;b;c=\"x\";d=?1;e=tok/en"))
        .isEqualTo(new KeyHeader.Present("abc"));
  }

  @Test
  void quotedStringMayHoldSpacesAndCommasForThePolicyToJudge() {
    assertThat(KeyHeader.parseValue("\"a b,c\"")).isEqualTo(new KeyHeader.Present("a b,c"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "\"\"",
        "\"abc",
        "\"a\\nb\"",
        "\"a\\",
        "\"abc\" junk",
        "\"abc\";A=1",
        "\"abc\";=1",
        "\"abc\";a=",
        "\"abc\";a=\"unterminated",
        "\"abc\", \"def\"",
        "abc,def",
        "abc, def",
        "\"caf\u00e9\"",
        "\"tab\there\""
      })
  void malformedValues(String value) {
    assertThat(KeyHeader.parseValue(value)).isInstanceOf(KeyHeader.Malformed.class);
  }

  @Test
  void twoFieldsAreMalformedEvenWhenEqual() {
    KeyHeader parsed = KeyHeader.parse(List.of("abc", "abc"));
    assertThat(parsed).isInstanceOf(KeyHeader.Malformed.class);
    assertThat(((KeyHeader.Malformed) parsed).reason()).contains("more than one");
  }

  @Test
  void bareNonAsciiAndSemicolonsAreLeftToTheKeyPolicy() {
    assertThat(KeyHeader.parseValue("caf\u00e9")).isEqualTo(new KeyHeader.Present("caf\u00e9"));
    assertThat(KeyHeader.parseValue("abc;a=1")).isEqualTo(new KeyHeader.Present("abc;a=1"));
  }

  @Test
  void reasonsAndToStringNeverContainTheKey() {
    String secret = "secret-key-value-1234";
    assertThat(KeyHeader.parseValue(secret).toString()).doesNotContain(secret);
    KeyHeader.Malformed malformed = (KeyHeader.Malformed) KeyHeader.parseValue("\"" + secret);
    assertThat(malformed.reason()).doesNotContain(secret);
  }
}
