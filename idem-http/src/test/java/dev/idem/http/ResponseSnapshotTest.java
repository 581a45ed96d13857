package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.ResultCodec;
import dev.idem.http.internal.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ResponseSnapshotTest {
  private final ResultCodec<ResponseSnapshot> codec = ResponseSnapshot.codec();

  @Test
  void roundTripKeepsStatusHeaderOrderRepeatsAndBody() {
    ResponseSnapshot snapshot =
        new ResponseSnapshot(
            201,
            List.of(
                new ResponseSnapshot.Header("Content-Type", "application/json"),
                new ResponseSnapshot.Header("Link", "<a>; rel=next"),
                new ResponseSnapshot.Header("Link", "<b>; rel=prev"),
                new ResponseSnapshot.Header("X-Unicode", "caf\u00e9")),
            "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(codec.decode(codec.encode(snapshot))).isEqualTo(snapshot);
  }

  @Property(tries = 200)
  void roundTripOfArbitrarySnapshots(
      @ForAll @IntRange(min = 100, max = 599) int status,
      @ForAll List<String> names,
      @ForAll String value,
      @ForAll byte[] body) {
    List<ResponseSnapshot.Header> headers =
        names.stream().map(n -> new ResponseSnapshot.Header(n, value)).toList();
    ResponseSnapshot snapshot = new ResponseSnapshot(status, headers, body);
    byte[] encoded = codec.encode(snapshot);
    // The HTTP layer compares this with the store's limit instead of encoding twice.
    assertThat(SnapshotCodec.encodedLength(snapshot)).isEqualTo(encoded.length);
    ResponseSnapshot decoded = codec.decode(encoded);
    // Lone surrogates do not survive UTF-8; everything else must.
    if ((names + value).chars().noneMatch(c -> Character.isSurrogate((char) c))) {
      assertThat(decoded).isEqualTo(snapshot);
    }
    assertThat(decoded.body()).isEqualTo(body);
  }

  @Test
  void refusesGarbage() {
    assertThatThrownBy(() -> codec.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode("hello world".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesTruncatedTrailingAndOtherVersions() {
    byte[] good = codec.encode(ResponseSnapshot.of(200, "text/plain", "hi"));
    for (int length = 0; length < good.length; length++) {
      byte[] truncated = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> codec.decode(truncated))
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = good.clone();
    otherVersion[4] = 2;
    assertThatThrownBy(() -> codec.decode(otherVersion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
  }

  @Property(tries = 300)
  void randomBytesDecodeOrFailWithIllegalArgument(@ForAll byte[] bytes) {
    try {
      codec.decode(bytes);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void bodyIsCopiedInAndOut() {
    byte[] body = {1, 2, 3};
    ResponseSnapshot snapshot = new ResponseSnapshot(200, List.of(), body);
    body[0] = 9;
    snapshot.body()[1] = 9;
    assertThat(snapshot.body()).containsExactly(1, 2, 3);
  }

  @Test
  void refusesImpossibleStatus() {
    assertThatThrownBy(() -> new ResponseSnapshot(99, List.of(), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseSnapshot(600, List.of(), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
