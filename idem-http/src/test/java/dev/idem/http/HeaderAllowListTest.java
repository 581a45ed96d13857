package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderAllowListTest {

  @Test
  void keepsAllowedHeadersInOrderAndDropsTheRest() {
    ResponseSnapshot response =
        new ResponseSnapshot(
            201,
            List.of(
                new ResponseSnapshot.Header("Set-Cookie", "session=abc"),
                new ResponseSnapshot.Header("location", "/payments/1"),
                new ResponseSnapshot.Header("X-Trace", "t"),
                new ResponseSnapshot.Header("Content-Type", "application/json"),
                new ResponseSnapshot.Header("SET-COOKIE", "other=1"),
                new ResponseSnapshot.Header("Transfer-Encoding", "chunked")),
            new byte[] {1});
    ResponseSnapshot stored = HeaderAllowList.ofDefaults().filter(response);
    assertThat(stored.headers())
        .containsExactly(
            new ResponseSnapshot.Header("location", "/payments/1"),
            new ResponseSnapshot.Header("Content-Type", "application/json"));
    assertThat(stored.body()).containsExactly(1);
  }

  @Test
  void additionsAreCaseInsensitive() {
    HeaderAllowList list = HeaderAllowList.ofDefaults().with("X-Request-Cost");
    assertThat(list.allows("x-request-cost")).isTrue();
    assertThat(list.allows("X-Trace")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Set-Cookie",
        "set-cookie2",
        "Connection",
        "Transfer-Encoding",
        "Proxy-Foo",
        "Date"
      })
  void perSessionAndHopByHopHeadersCanNeverBeAdded(String name) {
    assertThatThrownBy(() -> HeaderAllowList.ofDefaults().with(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never stored");
  }
}
