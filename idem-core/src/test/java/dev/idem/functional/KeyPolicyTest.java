package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.KeyCheck;
import dev.idem.KeyPolicy;
import dev.idem.KeyRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("KeyPolicy")
class KeyPolicyTest {
  static final String UUID = "9b2f4d1e-6c3a-4f8e-9d7b-1a2b3c4d5e6f";
  static final String B64_128 = "u0Q1m1nJc2oQ3k4yqVZk8g";

  /** profile, key, expected rule or null when accepted. */
  static Stream<Arguments> verdicts() {
    return Stream.of(
        Arguments.of("ietf", UUID, null),
        Arguments.of("ietf", "order-2026:batch.7_x", null),
        Arguments.of("ietf", "short-key", KeyRule.TOO_SHORT),
        Arguments.of("ietf", "x".repeat(255), null),
        Arguments.of("ietf", "x".repeat(256), KeyRule.TOO_LONG),
        Arguments.of("ietf", "abcdefgh,ijklmnop", KeyRule.COMMA),
        Arguments.of("ietf", "abcdefgh ijklmnop", KeyRule.WHITESPACE),
        Arguments.of("ietf", "abcdefgh\tijklmnop", KeyRule.WHITESPACE),
        Arguments.of("ietf", "abcdefgh\u0000ijklmnop", KeyRule.CONTROL_CHARACTER),
        Arguments.of("ietf", "abcdefgh\u007fijklmnop", KeyRule.CONTROL_CHARACTER),
        Arguments.of("ietf", "abcdefghéijklmnop", KeyRule.NON_ASCII),
        Arguments.of("ietf", "abcdefgh/ijklmnop", KeyRule.CHARACTER_NOT_ALLOWED),
        Arguments.of("ietf", "", KeyRule.TOO_SHORT),
        Arguments.of("stripe", "a", null),
        Arguments.of("stripe", "order#42/retry!", null),
        Arguments.of("stripe", "x".repeat(256), KeyRule.TOO_LONG),
        Arguments.of("stripe", "a,b", KeyRule.COMMA),
        Arguments.of("adyen", UUID, null),
        Arguments.of("adyen", "x".repeat(64), null),
        Arguments.of("adyen", "x".repeat(65), KeyRule.TOO_LONG),
        Arguments.of("amazon-pay", "x".repeat(32), null),
        Arguments.of("amazon-pay", UUID, KeyRule.TOO_LONG),
        Arguments.of("amazon-pay", "order.42", KeyRule.CHARACTER_NOT_ALLOWED),
        Arguments.of("amazon-pay", "order:42", KeyRule.CHARACTER_NOT_ALLOWED),
        Arguments.of("base64url", B64_128, null),
        Arguments.of("base64url", B64_128 + "=", KeyRule.CHARACTER_NOT_ALLOWED),
        Arguments.of("base64url", "u0Q1m1nJc2oQ3k4yqVZk8h", KeyRule.NOT_CANONICAL_BASE64URL),
        Arguments.of("base64url", B64_128.substring(0, 21), KeyRule.TOO_SHORT),
        Arguments.of("base64url", "A".repeat(43), null),
        Arguments.of("base64url", "A".repeat(44), KeyRule.TOO_LONG),
        Arguments.of("base64url", "A".repeat(25), KeyRule.NOT_CANONICAL_BASE64URL),
        Arguments.of("base64url", "u0Q1m1nJc2oQ3k4yqVZk8g.x", KeyRule.CHARACTER_NOT_ALLOWED));
  }

  @ParameterizedTest(name = "{0} on \"{1}\" -> {2}")
  @MethodSource("verdicts")
  @DisplayName("accepts or names the rule broken")
  void verdict(String profile, String key, KeyRule expected) {
    KeyCheck check = KeyPolicy.named(profile).check(key);
    if (expected == null) {
      assertThat(check).isInstanceOf(KeyCheck.Accepted.class);
      assertThat(((KeyCheck.Accepted) check).key().value()).isEqualTo(key);
    } else {
      assertThat(check).isInstanceOf(KeyCheck.Rejected.class);
      KeyCheck.Rejected rejected = (KeyCheck.Rejected) check;
      assertThat(rejected.rule()).isEqualTo(expected);
      assertThat(rejected.policy()).isEqualTo(profile);
      assertThat(rejected.detail()).isNotBlank();
    }
  }

  @Test
  @DisplayName("never echoes the key in a rejection, and says where the bad character is")
  void detailDoesNotLeakTheKey() {
    String secretish = "Sup3rSecretRefund,Key";
    KeyCheck.Rejected rejected = (KeyCheck.Rejected) KeyPolicy.ietf().check(secretish);
    assertThat(rejected.detail()).doesNotContain("Sup3rSecret").contains("position 17");
  }

  @Test
  @DisplayName("answers a megabyte-long key by its length, without scanning it")
  void hugeKey() {
    KeyCheck check = KeyPolicy.ietf().check("é".repeat(1 << 20));
    assertThat(((KeyCheck.Rejected) check).rule()).isEqualTo(KeyRule.TOO_LONG);
  }

  @Test
  @DisplayName("looks profiles up by name and lists the known ones otherwise")
  void named() {
    assertThat(KeyPolicy.named("Amazon-Pay")).isSameAs(KeyPolicy.amazonPay());
    assertThat(KeyPolicy.profiles())
        .extracting(KeyPolicy::name)
        .containsExactly("ietf", "stripe", "adyen", "amazon-pay", "base64url");
    assertThatThrownBy(() -> KeyPolicy.named("square"))
        .hasMessageContaining("known: ietf, stripe, adyen, amazon-pay, base64url");
  }

  @Test
  @DisplayName("builds custom policies and lists every configuration problem")
  void custom() {
    KeyPolicy digits =
        KeyPolicy.builder().name("digits").minLength(4).maxLength(8).alphabet("0123456789").build();
    assertThat(digits.check("1234").accepted()).isTrue();
    assertThat(((KeyCheck.Rejected) digits.check("12a4")).rule())
        .isEqualTo(KeyRule.CHARACTER_NOT_ALLOWED);
    assertThatThrownBy(() -> KeyPolicy.builder().minLength(0).maxLength(-1).alphabet("a,b").build())
        .hasMessageContaining("3 problems")
        .hasMessageContaining("minLength must be at least 1")
        .hasMessageContaining("maxLength (-1)")
        .hasMessageContaining("comma");
  }
}
