package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Drbg")
class DrbgTest {

  @Test
  @DisplayName("passes its AES-256-CTR known-answer test and finds a live OS source")
  void selfTest() {
    Drbg.SelfTest.knownAnswerTest();
    Drbg.SelfTest.checkLive(Drbg.SelfTest.osSource());
  }

  @Test
  @DisplayName("hands out bytes across many refills without repeating a 16-byte block")
  void noRepeatsAcrossRefills() {
    Drbg drbg = Drbg.acquire();
    Set<String> blocks = new HashSet<>();
    byte[] block = new byte[16];
    for (int i = 0; i < 100_000; i++) { // ~400 refills
      drbg.nextBytes(block);
      assertThat(blocks.add(java.util.HexFormat.of().formatHex(block))).isTrue();
    }
  }

  @Test
  @DisplayName("serves odd sizes that straddle a refill boundary")
  void straddles() {
    Drbg drbg = Drbg.acquire();
    byte[] big = new byte[10_000];
    drbg.nextBytes(big, 0, big.length);
    int zeros = 0;
    for (byte b : big) {
      zeros += b == 0 ? 1 : 0;
    }
    // About 39 zero bytes expected; a refill bug would leave long zeroed runs.
    assertThat(zeros).isLessThan(120);
  }

  @Test
  @DisplayName("encodes base64url exactly as the JDK does, for every length, across refills")
  void base64UrlMatchesTheJdk() {
    Drbg drbg = Drbg.acquire();
    java.util.Base64.Decoder decoder = java.util.Base64.getUrlDecoder();
    java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
    for (int round = 0; round < 2_000; round++) {
      int length = 1 + round % 64;
      String encoded = drbg.nextBase64Url(length);
      byte[] decoded = decoder.decode(encoded);
      assertThat(decoded).hasSize(length);
      assertThat(encoder.encodeToString(decoded)).isEqualTo(encoded);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> drbg.nextBase64Url(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("encodes 128-bit keys as the JDK encodes the same 16 bytes")
  void base64Url128MatchesTheJdk() {
    java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
    java.util.SplittableRandom random = new java.util.SplittableRandom(128);
    byte[] scratch = new byte[24];
    long[][] cases = new long[10_003][];
    cases[0] = new long[] {0, 0};
    cases[1] = new long[] {-1, -1};
    cases[2] = new long[] {0x0123456789abcdefL, 0xfedcba9876543210L};
    for (int i = 3; i < cases.length; i++) {
      cases[i] = new long[] {random.nextLong(), random.nextLong()};
    }
    for (long[] c : cases) {
      byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(c[0]).putLong(c[1]).array();
      assertThat(Drbg.base64Url128(c[0], c[1], scratch)).isEqualTo(encoder.encodeToString(bytes));
    }
    try (Drbg drbg = Drbg.acquire()) {
      assertThat(drbg.nextBase64Url128()).hasSize(22).matches("[A-Za-z0-9_-]+");
    }
  }

  @Test
  @DisplayName("gives every thread its own generator")
  void perThread() throws Exception {
    Drbg mine = Drbg.acquire();
    Drbg[] theirs = new Drbg[1];
    Thread thread = new Thread(() -> theirs[0] = Drbg.acquire());
    thread.start();
    thread.join();
    assertThat(theirs[0]).isNotNull().isNotSameAs(mine);
    assertThat(mine.pooled()).isFalse();
    assertThat(Drbg.acquire()).isSameAs(mine);
  }
}
