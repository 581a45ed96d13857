package dev.idem.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.KeyFormat;
import dev.idem.KeyInspection;
import dev.idem.KeyPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("idem CLI")
class IdemCliTest {

  record Run(int status, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }
  }

  static Run idem(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = IdemCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(status, out.toString(), err.toString());
  }

  @Nested
  @DisplayName("keygen")
  class Keygen {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyFormat.class, names = "HASH", mode = EnumSource.Mode.EXCLUDE)
    @DisplayName("prints N valid keys of the format, one per line and nothing else")
    void everyFormat(KeyFormat format) {
      Run run =
          format == KeyFormat.COMPOSITE
              ? idem("keygen", "--format", format.id(), "--client-id", "shop-1", "-n", "50")
              : idem("keygen", "--format", format.id(), "-n", "50");
      assertThat(run.status()).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.lines()).hasSize(50).doesNotHaveDuplicates();
      for (String key : run.lines()) {
        assertThat(KeyPolicy.ietf().check(key).accepted()).as(key).isTrue();
        assertThat(KeyInspection.of(key).format()).as(key).contains(format);
      }
    }

    @Test
    @DisplayName("makes 256-bit base64url keys")
    void bits256() {
      Run run = idem("keygen", "--format", "base64url", "--bits", "256", "-n", "3");
      assertThat(run.lines()).hasSize(3).allSatisfy(k -> assertThat(k).hasSize(43));
    }

    @Test
    @DisplayName("makes the deterministic hash key of a request")
    void hash() {
      Run run =
          idem(
              "keygen",
              "--format",
              "hash",
              "--method",
              "post",
              "--path",
              "/orders",
              "--body",
              "{\"item\":\"book\",\"amount\":1200}");
      assertThat(run.status()).isZero();
      assertThat(run.out().trim())
          .isEqualTo("22c2c88a76d0b8c31c76e652cd1cfe0bd5cdbc0f2196e5a3b74bbf1462e32e2b");
    }

    @Test
    @DisplayName("answers bad options with a usage error on stderr and nothing on stdout")
    void badOptions() {
      for (String[] args :
          new String[][] {
            {"keygen", "--format", "uuid5"},
            {"keygen", "--format", "uuid4", "--bits", "256"},
            {"keygen", "--format", "composite"},
            {"keygen", "-n", "0"},
            {"keygen", "--format", "hash"},
          }) {
        Run run = idem(args);
        assertThat(run.status()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isNotBlank();
      }
    }

    @Test
    @DisplayName("streams a large batch of distinct keys")
    void largeBatch() {
      Run run = idem("keygen", "--format", "base64url", "-n", "100000");
      assertThat(new HashSet<>(run.lines())).hasSize(100_000);
    }
  }

  @Nested
  @DisplayName("key inspect")
  class Inspect {
    @Test
    @DisplayName("describes a uuid7 and exits 0 when the profile accepts it")
    void valid() {
      Run run = idem("key", "inspect", "0192f0c4-7a2e-7b7c-9d3e-5a1f2b3c4d5e");
      assertThat(run.status()).isZero();
      assertThat(run.out())
          .contains("format:        uuid7")
          .contains("random bits:   74")
          .contains("created at:    2024-")
          .contains("amazon-pay  rejected (TOO_LONG)");
    }

    @Test
    @DisplayName("exits 1 when the chosen profile rejects the key")
    void invalidForProfile() {
      assertThat(
              idem(
                      "key",
                      "inspect",
                      "--profile",
                      "amazon-pay",
                      "0192f0c4-7a2e-7b7c-9d3e-5a1f2b3c4d5e")
                  .status())
          .isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(idem("key", "inspect", "short").status()).isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(idem("key", "inspect", "--", "-starts-with-a-dash-").status()).isZero();
    }

    @Test
    @DisplayName("prints JSON on request")
    void json() {
      Run run = idem("key", "inspect", "--json", "1716648000000-a3f9b2");
      assertThat(run.out())
          .startsWith("{\"key\":\"1716648000000-a3f9b2\",\"format\":\"timestamp\"")
          .contains("\"randomBits\":24")
          .contains("\"amazon-pay\":{\"accepted\":true}");
    }

    @Test
    @DisplayName("rejects an unknown profile as a usage error")
    void unknownProfile() {
      Run run = idem("key", "inspect", "--profile", "square", "abcdefghijklmnopq");
      assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("known: ietf");
    }
  }

  @Nested
  @DisplayName("collision")
  class Collision {
    @Test
    @DisplayName("prints the birthday bound for 1e15 keys of 128 bits")
    void probability() {
      Run run = idem("collision", "--keys", "1e15", "--bits", "128");
      assertThat(run.status()).isZero();
      assertThat(run.out().trim()).isEqualTo("1.469368e-09");
    }

    @Test
    @DisplayName("prints how many keys reach a target probability")
    void target() {
      Run run = idem("collision", "--keys", "2^32", "--bits", "64", "--target", "0.5");
      assertThat(run.lines()).hasSize(2);
      assertThat(run.lines().get(1)).contains("5.056938e+09");
    }

    @Test
    @DisplayName("rejects a count it cannot read as a usage error")
    void badCount() {
      Run run = idem("collision", "--keys", "lots");
      assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("not a number");
    }
  }

  @Test
  @DisplayName("lists every command with a summary that is a whole sentence")
  void commandSummaries() {
    Run run = idem("--help");
    String commands = run.out().substring(run.out().indexOf("Commands:") + "Commands:".length());
    // A command starts at two spaces of indent; its summary wraps onto deeper-indented lines.
    Map<String, String> summaries = new LinkedHashMap<>();
    String current = null;
    for (String line : commands.split("\n")) {
      if (line.matches("  \\S.*")) {
        String[] nameAndSummary = line.trim().split("\\s+", 2);
        current = nameAndSummary[0];
        summaries.put(current, nameAndSummary.length > 1 ? nameAndSummary[1] : "");
      } else if (current != null && !line.isBlank()) {
        summaries.merge(current, " " + line.trim(), String::concat);
      }
    }
    assertThat(summaries)
        .containsKeys("keygen", "key", "collision", "check", "codegen", "serve")
        .allSatisfy((name, summary) -> assertThat(summary).as(name).endsWith("."));
  }

  @Test
  @DisplayName("keeps help within 80 columns without breaking URLs, file names or JSON apart")
  void helpLayout() {
    Map<List<String>, List<String>> keptWhole =
        Map.of(
            List.of("--help"), List.of(),
            List.of("keygen", "--help"), List.of(),
            List.of("key", "inspect", "--help"), List.of(),
            List.of("collision", "--help"), List.of(),
            List.of("check", "--help"),
                List.of(
                    "http://localhost:8080/api/demo/orders",
                    "{\"item\":\"idem-check\",\"amount\":1}",
                    "--header=HEADER"),
            List.of("codegen", "--help"), List.of("package.json", "requirements.txt"),
            List.of("serve", "--help"),
                List.of(
                    "needs an\n                                 Idempotency-Key.",
                    "SPRING_DATASOURCE_USERNAME"));
    keptWhole.forEach(
        (args, tokens) -> {
          Run run = idem(args.toArray(String[]::new));
          assertThat(run.lines())
              .as(String.join(" ", args))
              .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
          for (String token : tokens) {
            assertThat(run.out()).as(String.join(" ", args)).contains(token);
          }
        });
  }

  @Test
  @DisplayName("has --help on every command")
  void help() {
    for (String[] args :
        new String[][] {
          {"--help"},
          {"keygen", "--help"},
          {"key", "inspect", "--help"},
          {"collision", "--help"},
          {"serve", "--help"}
        }) {
      Run run = idem(args);
      assertThat(run.status()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).contains("Usage: idem");
    }
  }
}
