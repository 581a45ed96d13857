package dev.idem.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackedRecordTest {

  @Provide
  Arbitrary<String> fingerprints() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  @Property
  @Label("a completed record reads back field for field, whatever the result bytes")
  void completedRoundTrip(
      @ForAll("fingerprints") String fingerprint,
      @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long created,
      @ForAll @LongRange(min = 0, max = 1_000_000_000L) long running,
      @ForAll @LongRange(min = 1, max = 1_000_000_000L) long retention,
      @ForAll @Size(max = 2048) byte[] result) {
    byte[] value =
        PackedRecord.encode(
            PackedRecord.COMPLETED,
            ascii(fingerprint),
            created,
            created + running,
            created + running + retention,
            result);

    PackedRecord.Parsed parsed = PackedRecord.parse(value);

    assertThat(parsed.state()).isEqualTo(PackedRecord.COMPLETED);
    assertThat(parsed.fingerprintHex()).isEqualTo(fingerprint);
    assertThat(parsed.hasFingerprint(ascii(fingerprint))).isTrue();
    assertThat(parsed.first()).isEqualTo(created);
    assertThat(parsed.second()).isEqualTo(created + running);
    assertThat(parsed.third()).isEqualTo(created + running + retention);
    assertThat(parsed.tail()).isEqualTo(result);
    assertThat(parsed.token()).isNull();
  }

  @Property
  @Label("a claim reads back its fingerprint, lease and token")
  void claimRoundTrip(
      @ForAll("fingerprints") String fingerprint,
      @ForAll @LongRange(min = 1, max = 9_999_999_999_999_999L) long lease,
      @ForAll @StringLength(min = 1, max = 64) String token) {
    byte[] value =
        PackedRecord.claim(ascii(fingerprint), lease, token.getBytes(StandardCharsets.UTF_8));

    PackedRecord.Parsed parsed = PackedRecord.parse(value);

    assertThat(parsed.state()).isEqualTo(PackedRecord.CLAIMED);
    assertThat(parsed.fingerprintHex()).isEqualTo(fingerprint);
    assertThat(parsed.first()).isEqualTo(lease);
    assertThat(parsed.token()).isEqualTo(token);
  }

  @Property
  @Label("a fingerprint that differs in any digit does not match")
  void fingerprintMismatch(
      @ForAll("fingerprints") String fingerprint, @ForAll @IntRange(min = 0, max = 63) int at) {
    byte[] value = PackedRecord.claim(ascii(fingerprint), 1000, ascii("t"));
    byte[] other = ascii(fingerprint);
    other[at] = (byte) (other[at] == 'a' ? 'b' : 'a');

    assertThat(PackedRecord.parse(value).hasFingerprint(other)).isFalse();
  }

  @Property
  @Label("cutting a value inside its header is refused")
  void truncatedHeader(
      @ForAll("fingerprints") String fingerprint,
      @ForAll @IntRange(min = 0, max = PackedRecord.HEADER - 1) int length) {
    byte[] value = PackedRecord.claim(ascii(fingerprint), 1000, ascii("token"));

    assertThatThrownBy(() -> PackedRecord.parse(Arrays.copyOf(value, length)))
        .isInstanceOf(PackedRecord.CorruptRecordException.class)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shorter than the 114-byte header");
  }

  @Property
  @Label("a non-digit in a time field, or a non-hex fingerprint digit, is refused")
  void corruptHeaderByte(
      @ForAll("fingerprints") String fingerprint,
      @ForAll @IntRange(min = 2, max = PackedRecord.HEADER - 1) int at) {
    byte[] value = PackedRecord.claim(ascii(fingerprint), 1000, ascii("token"));
    value[at] = 'x';

    assertThatThrownBy(() -> PackedRecord.parse(value))
        .isInstanceOf(PackedRecord.CorruptRecordException.class)
        .hasMessageContaining("'x' at offset " + at);
  }

  @Test
  @DisplayName("an unknown version, an unknown state or another application's value is refused")
  void foreignValues() {
    byte[] good = PackedRecord.claim(ascii("ab".repeat(32)), 1000, ascii("token"));
    byte[] version = good.clone();
    version[0] = '2';
    byte[] state = good.clone();
    state[1] = 'Z';

    assertThatThrownBy(() -> PackedRecord.parse(version))
        .isInstanceOf(PackedRecord.CorruptRecordException.class)
        .hasMessage(
            "not an idempotency record of this store: unknown format version '2' (expected '1')");
    assertThatThrownBy(() -> PackedRecord.parse(state)).hasMessageContaining("unknown state 'Z'");
    assertThatThrownBy(() -> PackedRecord.parse(ascii("{\"user\":42}")))
        .isInstanceOf(PackedRecord.CorruptRecordException.class);
    assertThatThrownBy(() -> PackedRecord.parse(Arrays.copyOf(good, PackedRecord.HEADER)))
        .hasMessageContaining("lease token is 1 to 256 bytes, got 0");
  }

  @Test
  @DisplayName("a completed record whose times are out of order is refused")
  void timesOutOfOrder() {
    byte[] value =
        PackedRecord.encode(
            PackedRecord.COMPLETED, ascii("ab".repeat(32)), 10, 20, 15, new byte[0]);

    assertThatThrownBy(() -> PackedRecord.parse(value))
        .isInstanceOf(PackedRecord.CorruptRecordException.class)
        .hasMessageContaining("times out of order");
  }

  @Test
  @DisplayName("encoding refuses what the header cannot hold")
  void encodeRefuses() {
    assertThatThrownBy(() -> PackedRecord.claim(ascii("ab"), 1000, ascii("t")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedRecord.claim(ascii("ab".repeat(32)), -1, ascii("t")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
