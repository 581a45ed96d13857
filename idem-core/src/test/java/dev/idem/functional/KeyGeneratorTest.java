package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import dev.idem.KeyInspection;
import dev.idem.KeyPolicy;
import dev.idem.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("KeyGenerator")
class KeyGeneratorTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123Z");

  static KeyGenerator generator(KeyFormat format) {
    KeyGenerator.Builder builder = KeyGenerator.builder().format(format);
    if (format == KeyFormat.COMPOSITE) {
      builder.clientId("web-checkout");
    }
    return builder.build();
  }

  @Nested
  @DisplayName("every generated format")
  class EveryFormat {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyFormat.class, names = "HASH", mode = EnumSource.Mode.EXCLUDE)
    @DisplayName("has the documented shape, passes the ietf policy and is recognised by inspection")
    void shapeAndPolicyAndInspection(KeyFormat format) {
      KeyGenerator keys = generator(format);
      assertThat(keys.format()).isEqualTo(format);
      for (int i = 0; i < 1_000; i++) {
        String key = keys.next();
        assertThat(key).matches(SHAPES.get(format));
        assertThat(KeyPolicy.ietf().check(key).accepted()).as(key).isTrue();
        KeyInspection inspection = KeyInspection.of(key);
        assertThat(inspection.format()).as(key).contains(format);
        assertThat(inspection.randomBits()).isEqualTo(format.randomBits());
      }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyFormat.class, names = "HASH", mode = EnumSource.Mode.EXCLUDE)
    @DisplayName("never repeats across 200,000 keys from four threads")
    void unique(KeyFormat format) throws Exception {
      KeyGenerator keys = generator(format);
      Set<String> seen = ConcurrentHashMap.newKeySet();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          runs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 50_000; i++) {
                      assertThat(seen.add(keys.next())).isTrue();
                    }
                  }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(seen).hasSize(200_000);
    }
  }

  static final java.util.Map<KeyFormat, Pattern> SHAPES =
      java.util.Map.of(
          KeyFormat.UUID4,
          Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
          KeyFormat.UUID7,
          Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
          KeyFormat.ULID,
          Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}"),
          KeyFormat.BASE64URL,
          Pattern.compile("[A-Za-z0-9_-]{22}"),
          KeyFormat.TIMESTAMP,
          Pattern.compile("[0-9]{13}-[A-Za-z0-9_-]{16}"),
          KeyFormat.COMPOSITE,
          Pattern.compile("web-checkout:[0-9]{13}:[A-Za-z0-9_-]{22}"));

  @Nested
  @DisplayName("uuid4")
  class Uuid4 {
    @Test
    @DisplayName("is what java.util.UUID parses as version 4, variant 2")
    void parsesAsVersion4() {
      UUID uuid = UUID.fromString(KeyGenerator.of(KeyFormat.UUID4).next());
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    @DisplayName("has unbiased random bits: each of the 122 positions is set about half the time")
    void unbiased() {
      KeyGenerator keys = KeyGenerator.of(KeyFormat.UUID4);
      int samples = 20_000;
      int[] ones = new int[128];
      for (int i = 0; i < samples; i++) {
        UUID uuid = UUID.fromString(keys.next());
        for (int bit = 0; bit < 64; bit++) {
          ones[bit] += (int) ((uuid.getMostSignificantBits() >>> bit) & 1);
          ones[64 + bit] += (int) ((uuid.getLeastSignificantBits() >>> bit) & 1);
        }
      }
      // Fixed bits: version (msb 12..15 = 0100) and variant (lsb 62..63 = 10).
      Set<Integer> fixed = Set.of(12, 13, 14, 15, 64 + 62, 64 + 63);
      for (int bit = 0; bit < 128; bit++) {
        if (!fixed.contains(bit)) {
          // 6 standard deviations of a fair coin over 20,000 draws is about 424.
          assertThat(ones[bit]).as("bit %d", bit).isBetween(10_000 - 424, 10_000 + 424);
        }
      }
    }
  }

  @Nested
  @DisplayName("uuid7 and ulid")
  class TimeOrdered {
    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = KeyFormat.class,
        names = {"UUID7", "ULID"})
    @DisplayName("are strictly increasing within one millisecond")
    void monotonicWithinMillisecond(KeyFormat format) {
      ManualClock clock = ManualClock.at(T0);
      KeyGenerator keys = KeyGenerator.builder().format(format).clock(clock).build();
      String previous = keys.next();
      for (int i = 0; i < 100_000; i++) {
        String next = keys.next();
        assertThat(next).isGreaterThan(previous);
        previous = next;
      }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = KeyFormat.class,
        names = {"UUID7", "ULID"})
    @DisplayName("stay increasing when the clock steps back, and embed the clock's time")
    void monotonicWhenClockStepsBack(KeyFormat format) {
      Instant[] now = {T0};
      java.time.Clock clock =
          new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
              return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now[0];
            }
          };
      KeyGenerator keys = KeyGenerator.builder().format(format).clock(clock).build();
      String first = keys.next();
      assertThat(KeyInspection.of(first).createdAt()).contains(T0);
      now[0] = T0.minusSeconds(5);
      String afterStepBack = keys.next();
      assertThat(afterStepBack).isGreaterThan(first);
      now[0] = T0.plusSeconds(1);
      String later = keys.next();
      assertThat(later).isGreaterThan(afterStepBack);
      assertThat(KeyInspection.of(later).createdAt()).contains(T0.plusSeconds(1));
    }

    @Test
    @DisplayName("sort by time across milliseconds as strings")
    void sortAcrossMilliseconds() {
      ManualClock clock = ManualClock.at(T0);
      KeyGenerator keys = KeyGenerator.builder().format(KeyFormat.ULID).clock(clock).build();
      List<String> made = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        made.add(keys.next());
        clock.advance(Duration.ofMillis(i % 3));
      }
      assertThat(made).isSorted();
    }
  }

  @Nested
  @DisplayName("base64url")
  class Base64Url {
    @Test
    @DisplayName("carries 128 or 256 bits and decodes to that many bytes")
    void bits() {
      String small = KeyGenerator.of(KeyFormat.BASE64URL).next();
      String large = KeyGenerator.builder().format(KeyFormat.BASE64URL).bits(256).build().next();
      assertThat(Base64.getUrlDecoder().decode(small)).hasSize(16);
      assertThat(Base64.getUrlDecoder().decode(large)).hasSize(32);
      assertThat(large).hasSize(43);
      assertThat(KeyPolicy.base64url().check(small).accepted()).isTrue();
      assertThat(KeyPolicy.base64url().check(large).accepted()).isTrue();
      assertThat(KeyInspection.of(large).randomBits()).isEqualTo(256);
    }
  }

  @Nested
  @DisplayName("timestamp and composite")
  class Timestamped {
    @Test
    @DisplayName("start with the clock's milliseconds, so they sort by time")
    void embedTime() {
      ManualClock clock = ManualClock.at(T0);
      String timestamp =
          KeyGenerator.builder().format(KeyFormat.TIMESTAMP).clock(clock).build().next();
      String composite =
          KeyGenerator.builder()
              .format(KeyFormat.COMPOSITE)
              .clientId("tenant.eu-1")
              .clock(clock)
              .build()
              .next();
      assertThat(timestamp).startsWith(T0.toEpochMilli() + "-");
      assertThat(composite).startsWith("tenant.eu-1:" + T0.toEpochMilli() + ":");
      assertThat(KeyInspection.of(timestamp).createdAt()).contains(T0);
      assertThat(KeyInspection.of(composite).createdAt()).contains(T0);
      assertThat(KeyPolicy.amazonPay().check(timestamp).accepted())
          .as("30 characters fit Amazon Pay's 32")
          .isTrue();
    }
  }

  @Nested
  @DisplayName("hash")
  class Hash {
    @Test
    @DisplayName("is SHA-256 of METHOD\\npath\\nbody in full, matching an independent computation")
    void knownValue() {
      // python3: hashlib.sha256(b'POST\n/orders\n{"item":"book","amount":1200}').hexdigest()
      String key =
          KeyGenerator.hash(
              "post",
              "/orders",
              "{\"item\":\"book\",\"amount\":1200}".getBytes(StandardCharsets.UTF_8));
      assertThat(key).isEqualTo("22c2c88a76d0b8c31c76e652cd1cfe0bd5cdbc0f2196e5a3b74bbf1462e32e2b");
      assertThat(KeyInspection.of(key).format()).contains(KeyFormat.HASH);
      assertThat(KeyInspection.of(key).deterministic()).isTrue();
    }

    @Test
    @DisplayName("differs when the body moves into the path")
    void framing() {
      String a = KeyGenerator.hash("POST", "/a", "b".getBytes(StandardCharsets.UTF_8));
      String b = KeyGenerator.hash("POST", "/ab", new byte[0]);
      assertThat(a).isNotEqualTo(b);
    }
  }

  @Nested
  @DisplayName("builder")
  class BuilderRules {
    @Test
    @DisplayName("lists every problem at once")
    void listsAllProblems() {
      assertThatThrownBy(
              () -> KeyGenerator.builder().format(KeyFormat.UUID4).bits(64).clientId("a b").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("4 problems")
          .hasMessageContaining("clientId may hold only")
          .hasMessageContaining("bits applies to base64url keys only")
          .hasMessageContaining("bits must be 128 or 256")
          .hasMessageContaining("clientId applies to composite keys only");
    }

    @Test
    @DisplayName("refuses hash keys and composite keys without a client id")
    void refusesHashAndBareComposite() {
      assertThatThrownBy(() -> KeyGenerator.of(KeyFormat.HASH))
          .hasMessageContaining("KeyGenerator.hash");
      assertThatThrownBy(() -> KeyGenerator.of(KeyFormat.COMPOSITE))
          .hasMessageContaining("needs a clientId");
      assertThatThrownBy(
              () -> KeyGenerator.builder().format(KeyFormat.COMPOSITE).clientId("a:b").build())
          .hasMessageContaining("clientId may hold only");
    }

    @Test
    @DisplayName("lets each option be set once")
    void once() {
      KeyGenerator.Builder builder = KeyGenerator.builder().format(KeyFormat.UUID4);
      assertThatThrownBy(() -> builder.format(KeyFormat.ULID))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("format was already set");
    }

    @Test
    @DisplayName("knows every format by its id")
    void formatIds() {
      Set<String> ids = new HashSet<>();
      for (KeyFormat format : KeyFormat.values()) {
        assertThat(KeyFormat.of(format.id().toUpperCase())).isEqualTo(format);
        ids.add(format.id());
      }
      assertThat(ids)
          .containsExactlyInAnyOrder(
              "uuid4", "uuid7", "ulid", "base64url", "hash", "timestamp", "composite");
      assertThatThrownBy(() -> KeyFormat.of("uuid5")).hasMessageContaining("known: uuid4");
    }
  }
}
