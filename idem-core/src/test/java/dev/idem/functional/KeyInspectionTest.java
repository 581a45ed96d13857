package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.KeyFormat;
import dev.idem.KeyInspection;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KeyInspection")
class KeyInspectionTest {

  @Test
  @DisplayName("reads the time out of a uuid7 and refuses it for Amazon Pay (36 > 32 characters)")
  void uuid7() {
    // 0x0192f0c47a2e ms = 2024-11-05T...; built by hand from RFC 9562's layout.
    KeyInspection inspection = KeyInspection.of("0192f0c4-7a2e-7b7c-9d3e-5a1f2b3c4d5e");
    assertThat(inspection.format()).contains(KeyFormat.UUID7);
    assertThat(inspection.randomBits()).isEqualTo(74);
    assertThat(inspection.sortable()).isTrue();
    assertThat(inspection.createdAt()).contains(Instant.ofEpochMilli(0x0192f0c47a2eL));
    assertThat(inspection.acceptedBy("ietf")).isTrue();
    assertThat(inspection.acceptedBy("amazon-pay")).isFalse();
  }

  @Test
  @DisplayName("reads a ULID's time, case-insensitively")
  void ulid() {
    // The ULID spec's example: 01ARZ3NDEKTSV4RRFFQ69G5FAV has timestamp 1469922850259.
    KeyInspection upper = KeyInspection.of("01ARZ3NDEKTSV4RRFFQ69G5FAV");
    KeyInspection lower = KeyInspection.of("01arz3ndektsv4rrffq69g5fav");
    assertThat(upper.format()).contains(KeyFormat.ULID);
    assertThat(upper.createdAt()).contains(Instant.ofEpochMilli(1469922850259L));
    assertThat(lower.createdAt()).isEqualTo(upper.createdAt());
  }

  @Test
  @DisplayName("recognises the brief's weak timestamp key and counts its 24 random bits")
  void weakTimestamp() {
    KeyInspection inspection = KeyInspection.of("1716648000000-a3f9b2");
    assertThat(inspection.format()).contains(KeyFormat.TIMESTAMP);
    assertThat(inspection.randomBits()).isEqualTo(24);
    assertThat(inspection.createdAt()).contains(Instant.ofEpochMilli(1716648000000L));
  }

  @Test
  @DisplayName("says what other UUID versions are and that name-based ones are not random")
  void otherUuids() {
    KeyInspection v5 = KeyInspection.of("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    assertThat(v5.format()).isEmpty();
    assertThat(v5.deterministic()).isTrue();
    assertThat(v5.randomBits()).isZero();
    assertThat(v5.description()).contains("version 5");
  }

  @Test
  @DisplayName("credits no random bits to the nil and max UUIDs or to undefined versions")
  void constantAndUndefinedUuids() {
    KeyInspection nil = KeyInspection.of("00000000-0000-0000-0000-000000000000");
    assertThat(nil.randomBits()).isZero();
    assertThat(nil.deterministic()).isTrue();
    assertThat(nil.description()).contains("nil UUID");
    assertThat(KeyInspection.of("ffffffff-ffff-ffff-ffff-ffffffffffff").randomBits()).isZero();
    assertThat(KeyInspection.of("886313e1-3b8a-f372-9b90-0c9aee199e5d").randomBits()).isZero();
    KeyInspection v2 = KeyInspection.of("000003e8-2b8a-21ef-8a00-325096b39f47");
    assertThat(v2.randomBits()).isLessThan(14);
    KeyInspection v8 = KeyInspection.of("886313e1-3b8a-8372-9b90-0c9aee199e5d");
    assertThat(v8.description()).contains("custom layout");
  }

  @Test
  @DisplayName("bounds the entropy of unknown keys by length and alphabet")
  void unknown() {
    KeyInspection digits = KeyInspection.of("12345678901234567890");
    assertThat(digits.format()).isEmpty();
    assertThat(digits.randomBits()).isEqualTo(66); // 20 * log2(10) = 66.4
    KeyInspection text = KeyInspection.of("order 42, please");
    assertThat(text.verdicts().values()).noneMatch(v -> v.accepted());
  }
}
