package dev.idem.http;

import dev.idem.http.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem Idem answers with. Immutable. The {@code detail} tells the client what to do;
 * it never holds the key, the body or a stack trace.
 *
 * @param type the kind of problem; its URI is the {@code type} member
 * @param status the HTTP status
 * @param detail what happened and what the client should do
 * @param retryAfter when set, sent as {@code Retry-After} in whole seconds (at least 1) and as a
 *     {@code retryAfterSeconds} member
 */
public record Problem(ProblemType type, int status, String detail, @Nullable Duration retryAfter) {

  /** The media type of problem bodies. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * @throws NullPointerException if type or detail is null
   * @throws IllegalArgumentException if the status is not 400–599 or retryAfter is negative
   */
  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(detail, "detail");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem's status is 4xx or 5xx, was " + status);
    }
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
  }

  /** A problem with the type's default status and no {@code Retry-After}. */
  public static Problem of(ProblemType type, String detail) {
    return new Problem(type, type.defaultStatus(), detail, null);
  }

  /** {@code Retry-After} in whole seconds, rounded up, at least 1; null if not set. */
  public @Nullable Long retryAfterSeconds() {
    if (retryAfter == null) {
      return null;
    }
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  /** The {@code application/problem+json} body. */
  public String toJson() {
    Json.Writer json = new Json.Writer();
    json.member("type", type.uri().toString());
    json.member("title", type.title());
    json.member("status", status);
    json.member("detail", detail);
    Long seconds = retryAfterSeconds();
    if (seconds != null) {
      json.member("retryAfterSeconds", seconds);
    }
    return json.end();
  }

  /** The whole response: status, {@code Content-Type}, {@code Retry-After} when set, and body. */
  public ResponseSnapshot toResponse() {
    List<ResponseSnapshot.Header> headers = new ArrayList<>(2);
    headers.add(new ResponseSnapshot.Header("Content-Type", MEDIA_TYPE));
    Long seconds = retryAfterSeconds();
    if (seconds != null) {
      headers.add(new ResponseSnapshot.Header("Retry-After", Long.toString(seconds)));
    }
    headers.add(new ResponseSnapshot.Header("Cache-Control", "no-store"));
    return new ResponseSnapshot(status, headers, toJson().getBytes(StandardCharsets.UTF_8));
  }
}
