package dev.idem.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RawHttp response parsing")
class RawHttpTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("takes Content-Length bytes of body and lower-cases header names")
  void contentLength() throws IOException {
    Exchange.Response r =
        RawHttp.parse(
            bytes(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n"
                    + "Content-Length: 7\r\n\r\n{\"a\":1}trailing"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.problem()).isTrue();
    assertThat(r.headers()).containsKey("content-type");
    assertThat(r.body()).isEqualTo("{\"a\":1}");
  }

  @Test
  @DisplayName("decodes a chunked body")
  void chunked() throws IOException {
    Exchange.Response r =
        RawHttp.parse(
            bytes(
                "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\n{\"id\r\n5;ext=1\r\n\":\"x\"\r\n1\r\n}\r\n0\r\n\r\n"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.body()).isEqualTo("{\"id\":\"x\"}");
  }

  @Test
  @DisplayName("refuses what is not an HTTP response")
  void garbage() {
    assertThatThrownBy(() -> RawHttp.parse(bytes("SSH-2.0-OpenSSH\r\n\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not an HTTP response");
    assertThatThrownBy(() -> RawHttp.parse(bytes("HTTP/1.1 200 OK\r\n")))
        .isInstanceOf(IOException.class);
  }
}
