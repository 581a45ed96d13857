package dev.idem.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link HttpIdempotency} needs to know about a request, as an adapter presents it. Used by
 * one thread for the duration of one {@link HttpIdempotency#handle} call.
 */
public interface HttpRequestView {

  /** The method as sent, e.g. {@code POST}. */
  String method();

  /**
   * The request target the fingerprint binds the key to: the path, and the query if it has one. Use
   * the concrete path, not a route template, or two resources would share a key's response.
   */
  String route();

  /**
   * Every value of the named header field, one per field line, in order; empty if absent. The name
   * must be matched case-insensitively.
   */
  List<String> headers(String name);

  /** The authenticated principal's name, or null for an anonymous request. */
  @Nullable String principal();

  /**
   * The request body. Called at most once, and only for protected requests; {@link HttpIdempotency}
   * reads at most the route's body limit plus one byte and does not close it.
   *
   * @throws IOException if the body cannot be read
   */
  InputStream body() throws IOException;

  /**
   * What the fingerprint uses in place of a body that something before the idempotency layer
   * already consumed: bytes that differ whenever the consumed bodies did, and are equal for equal
   * ones. Called only when {@link #body()} ended before its declared {@code Content-Length}, or was
   * empty without one. The default, empty, refuses a request with a declared length with a {@link
   * ProblemType#BODY_UNAVAILABLE} problem. The Servlet adapter encodes the parameters of a form a
   * filter parsed; the bytes also become the body the handler is handed.
   *
   * @return the stand-in bytes, or empty if the consumed body cannot be recovered
   */
  default Optional<byte[]> consumedBody() {
    return Optional.empty();
  }
}
