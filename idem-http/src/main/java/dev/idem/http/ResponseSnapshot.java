package dev.idem.http;

import dev.idem.ResultCodec;
import dev.idem.http.internal.SnapshotCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP response as it is sent, stored and replayed: status, header fields in order, body.
 * Immutable: the body is copied in and out.
 *
 * @param status the status code, 100–599
 * @param headers the header fields in the order they were set; a name may repeat
 * @param body the body bytes
 */
public record ResponseSnapshot(int status, List<Header> headers, byte[] body) {

  /**
   * One header field.
   *
   * @param name the field name as it was set
   * @param value the field value
   */
  public record Header(String name, String value) {
    /**
     * @throws NullPointerException if a component is null
     */
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * @throws NullPointerException if a component or a header is null
   * @throws IllegalArgumentException if the status is outside 100–599
   */
  public ResponseSnapshot {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
    body = Objects.requireNonNull(body, "body").clone();
  }

  /** A response with a UTF-8 text body and the given content type. */
  public static ResponseSnapshot of(int status, String contentType, String body) {
    return new ResponseSnapshot(
        status,
        List.of(new Header("Content-Type", Objects.requireNonNull(contentType, "contentType"))),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The compact, versioned binary form the store keeps. Decoding refuses bytes it did not write
   * with {@link IllegalArgumentException}.
   */
  public static ResultCodec<ResponseSnapshot> codec() {
    return SnapshotCodec.INSTANCE;
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length, without copying it. */
  public int bodyLength() {
    return body.length;
  }

  /** The first value of the named header, matched case-insensitively. */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name");
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(name)) {
        return Optional.of(header.value());
      }
    }
    return Optional.empty();
  }

  /** A copy with one more header field at the end. */
  public ResponseSnapshot withHeader(String name, String value) {
    List<Header> more = new ArrayList<>(headers);
    more.add(new Header(name, value));
    return new ResponseSnapshot(status, more, body);
  }

  /** A copy without the named header fields (case-insensitive). */
  public ResponseSnapshot withoutHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    List<Header> kept = new ArrayList<>();
    for (Header header : headers) {
      if (!header.name().toLowerCase(Locale.ROOT).equals(lower)) {
        kept.add(header);
      }
    }
    return new ResponseSnapshot(status, kept, body);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ResponseSnapshot that
        && status == that.status
        && headers.equals(that.headers)
        && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, Arrays.hashCode(body));
  }

  /** Prints the status, header names and body length: bodies may hold personal data. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Header header : headers) {
      names.add(header.name());
    }
    return "ResponseSnapshot[status="
        + status
        + ", headers="
        + names
        + ", bodyLength="
        + body.length
        + "]";
  }
}
