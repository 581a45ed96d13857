package dev.idem.conformance;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request a check sent and what came back: a response, or the I/O error that stood in for one.
 * Immutable.
 *
 * @param request what was sent
 * @param response what came back; null when the request failed with {@code error}
 * @param error why no response came back (timeout, connection reset); null when one did
 */
public record Exchange(Request request, @Nullable Response response, @Nullable String error) {

  /**
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalArgumentException unless exactly one of {@code response} and {@code error} is
   *     given
   */
  public Exchange {
    Objects.requireNonNull(request, "request");
    if ((response == null) == (error == null)) {
      throw new IllegalArgumentException("an exchange has either a response or an error");
    }
  }

  /** The response, if one came back. */
  public Optional<Response> responseIfAny() {
    return Optional.ofNullable(response);
  }

  /**
   * A request as sent.
   *
   * @param method the HTTP method
   * @param uri the request URI
   * @param headers the headers the checker set, in order; a name may repeat (two key fields)
   * @param body the request body, empty for none
   */
  public record Request(String method, URI uri, List<Header> headers, String body) {
    /**
     * @throws NullPointerException if any argument is null
     */
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = List.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * A response as received.
   *
   * @param status the status code
   * @param headers the response headers, names in lower case
   * @param body the body decoded as UTF-8
   */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    /**
     * @throws NullPointerException if {@code headers} or {@code body} is null
     */
    public Response {
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }

    /** The first value of the header {@code name} (matched ignoring case), if present. */
    public Optional<String> header(String name) {
      Objects.requireNonNull(name, "name");
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
          return Optional.of(entry.getValue().get(0));
        }
      }
      return Optional.empty();
    }

    /** Whether the response carries {@code Idempotent-Replayed: true}. */
    public boolean replayed() {
      return header("Idempotent-Replayed")
          .map(v -> v.trim().equalsIgnoreCase("true"))
          .orElse(false);
    }

    /** Whether the status is 2xx. */
    public boolean successful() {
      return status >= 200 && status < 300;
    }

    /** Whether the {@code Content-Type} is {@code application/problem+json} (RFC 9457). */
    public boolean problem() {
      return header("Content-Type")
          .map(
              v ->
                  v.trim()
                      .toLowerCase(java.util.Locale.ROOT)
                      .startsWith("application/problem+json"))
          .orElse(false);
    }
  }

  /**
   * A header field as sent.
   *
   * @param name the field name, in the case it was sent
   * @param value the field value
   */
  public record Header(String name, String value) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }
}
