package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("RFC 8785 canonical form")
class JcsCanonicalizerTest {

  private static String canonical(String json) {
    return new String(
        JsonCanonicalizer.canonicalize(JsonParser.parse(json.getBytes(StandardCharsets.UTF_8))),
        StandardCharsets.UTF_8);
  }

  private static String canonical(String json, String... excluded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonCanonicalizer.write(
        JsonParser.parse(json.getBytes(StandardCharsets.UTF_8)),
        FieldExclusions.of(List.of(excluded)),
        out::write);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("of the RFC's section 3.2.2 example: literals, numbers and string escapes")
  void rfcPrimitivesExample() {
    String input =
        "{\n"
            + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n"
            + "}";
    assertThat(canonical(input))
        .isEqualTo(
            "{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  @DisplayName("of the RFC's section 3.2.3 sorting example: names in UTF-16 code unit order")
  void rfcSortingExample() {
    String input =
        "{\n"
            + "  \"\\u20ac\": \"Euro Sign\",\n"
            + "  \"\\r\": \"Carriage Return\",\n"
            + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
            + "  \"1\": \"One\",\n"
            + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
            + "  \"\\u0080\": \"Control\",\n"
            + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
            + "}";
    assertThat(canonical(input))
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  @DisplayName("of nested arrays and objects, with the whitespace removed")
  void nested() {
    assertThat(canonical("[56, {\"d\": true, \"10\": null, \"1\": [ ]}]"))
        .isEqualTo("[56,{\"1\":[],\"10\":null,\"d\":true}]");
  }

  @Test
  @DisplayName("escapes control characters as JSON.stringify does, and nothing else")
  void escapes() {
    assertThat(canonical("\"\\u0000\\u001f\\u007f\\u2028/\\b\\t\\n\\f\\r\""))
        .isEqualTo("\"\\u0000\\u001f\u007f\u2028/\\b\\t\\n\\f\\r\"");
  }

  @Test
  @DisplayName("writes numbers in their shortest form, large integers as doubles")
  void numbers() {
    assertThat(canonical("[1.0, -0.0, 1e2, 9007199254740993, 12345678901234567890, 0.1e-6]"))
        .isEqualTo("[1,0,100,9007199254740992,12345678901234567000,1e-7]");
  }

  @Test
  @DisplayName("without the excluded members, at any depth, ignoring pointers that miss")
  void exclusions() {
    String json =
        "{\"amount\":5,\"timestamp\":\"now\",\"meta\":{\"requestId\":\"r1\",\"source\":\"web\"},"
            + "\"items\":[{\"id\":1,\"note\":\"a\"},{\"id\":2,\"note\":\"b\"}],"
            + "\"a/b\":1,\"c~d\":2}";
    assertThat(
            canonical(
                json,
                "/timestamp",
                "/meta/requestId",
                "/items/1/note",
                "/a~1b",
                "/c~0d",
                "/missing",
                "/amount/deeper",
                "/items/7",
                "/items/-"))
        .isEqualTo(
            "{\"amount\":5,\"items\":[{\"id\":1,\"note\":\"a\"},{\"id\":2}],"
                + "\"meta\":{\"source\":\"web\"}}");
  }

  @Test
  @DisplayName("resolves array indexes against the original array, not a shrinking one")
  void arrayExclusionsUseOriginalIndexes() {
    assertThat(canonical("[10,11,12,13]", "/0", "/1", "/3")).isEqualTo("[12]");
    assertThat(canonical("{\"a\":{\"b\":1}}", "/a", "/a/b")).isEqualTo("{}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @DisplayName("refuses pointers that are not RFC 6901, or that name the whole body")
  @ValueSource(strings = {"", "timestamp", "/a~", "/a~2", "/~x"})
  void badPointers(String pointer) {
    assertThat(FieldExclusions.problem(pointer)).isNotNull();
    assertThatThrownBy(() -> FieldExclusions.of(List.of(pointer)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @DisplayName("accepts RFC 6901 pointers")
  @ValueSource(strings = {"/", "/a", "/a/0", "/~0~1", "//", "/a b/\u20ac"})
  void goodPointers(String pointer) {
    assertThat(FieldExclusions.problem(pointer)).isNull();
  }
}
