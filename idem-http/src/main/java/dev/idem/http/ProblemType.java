package dev.idem.http;

import java.net.URI;

/**
 * The kinds of problem Idem answers with. Their {@link #uri()} values are stable: clients may
 * branch on them.
 */
public enum ProblemType {
  /** A protected request without a key, on a route that requires one (400). */
  KEY_MISSING("idempotency-key-missing", "Idempotency-Key missing", 400),
  /** The key field is malformed, repeated, or breaks the key policy (400). */
  KEY_MALFORMED("idempotency-key-malformed", "Idempotency-Key malformed", 400),
  /** The key was used before with a different request (422, or the profile's status). */
  KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused for a different request", 422),
  /** A request with the same key is still being processed (409). */
  REQUEST_IN_PROGRESS("request-in-progress", "Request already in progress", 409),
  /** The request body is larger than the route accepts for protected requests (413). */
  BODY_TOO_LARGE("body-too-large", "Request body too large", 413),
  /** The request body could not be read or parsed for its fingerprint (400). */
  BODY_MALFORMED("body-malformed", "Request body malformed", 400),
  /**
   * Something on the server read the request body before the idempotency check, so the request
   * cannot be fingerprinted; nothing ran (500).
   */
  BODY_UNAVAILABLE("body-unavailable", "Request body unavailable", 500),
  /** The scope (tenant) of the request could not be determined (400). */
  SCOPE_MISSING("scope-missing", "Tenant missing", 400),
  /** The idempotency store could not be reached; nothing ran (503). */
  STORE_UNAVAILABLE("store-unavailable", "Idempotency store unavailable", 503),
  /** The original response was too large to store; stored and replayed in its place (500). */
  RESPONSE_TOO_LARGE("response-too-large", "Original response too large to replay", 500),
  /** The handler failed with an exception (500). */
  HANDLER_FAILED("handler-failed", "Request failed", 500),
  /** A stored response could not be read back (500). */
  STORED_RESPONSE_UNREADABLE("stored-response-unreadable", "Stored response unreadable", 500);

  /** Where every type URI starts. */
  public static final String BASE = "https://idem.dev/problems/";

  private final URI uri;
  private final String title;
  private final int defaultStatus;

  ProblemType(String slug, String title, int defaultStatus) {
    this.uri = URI.create(BASE + slug);
    this.title = title;
    this.defaultStatus = defaultStatus;
  }

  /** The stable {@code type} URI. */
  public URI uri() {
    return uri;
  }

  /** The short, fixed {@code title}. */
  public String title() {
    return title;
  }

  /** The status this problem is answered with unless a profile says otherwise. */
  public int defaultStatus() {
    return defaultStatus;
  }
}
