package dev.idem.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The response headers that are stored and replayed; every other header is sent to the first client
 * only. Immutable.
 *
 * <p>The default list is {@value #DEFAULT_NAMES_TEXT}. Some headers can never be added: {@code
 * Set-Cookie} and {@code Set-Cookie2} (a replay must not hand one client's session to a retry, nor
 * re-set a cookie), hop-by-hop and framing headers ({@code Connection}, {@code Keep-Alive}, {@code
 * Proxy-*}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}, {@code
 * Content-Length}: the server frames the replay itself), {@code Date} (a replay is a new message),
 * {@code WWW-Authenticate}, {@code Retry-After} and {@code Idempotent-Replayed} (Idem's own).
 */
public final class HeaderAllowList {

  /** The default names, for the documentation. */
  public static final String DEFAULT_NAMES_TEXT =
      "Content-Type, Content-Language, Content-Location, Content-Encoding, Location, ETag,"
          + " Last-Modified, Link, Cache-Control";

  private static final Set<String> DEFAULT_NAMES =
      Set.of(
          "content-type",
          "content-language",
          "content-location",
          "content-encoding",
          "location",
          "etag",
          "last-modified",
          "link",
          "cache-control");

  private static final Set<String> FORBIDDEN =
      Set.of(
          "set-cookie",
          "set-cookie2",
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "date",
          "www-authenticate",
          "retry-after",
          "idempotent-replayed");

  private static final HeaderAllowList DEFAULTS = new HeaderAllowList(DEFAULT_NAMES);

  private final Set<String> names;

  private HeaderAllowList(Set<String> names) {
    this.names = Set.copyOf(names);
  }

  /** The default list. */
  public static HeaderAllowList ofDefaults() {
    return DEFAULTS;
  }

  /**
   * A copy that also stores these headers (names case-insensitive), e.g. {@code X-Request-Cost}.
   *
   * @throws IllegalArgumentException if a name is empty or one that is never stored
   * @throws NullPointerException if a name is null
   */
  public HeaderAllowList with(String... names) {
    Set<String> more = new TreeSet<>(this.names);
    for (String name : Arrays.asList(names)) {
      Objects.requireNonNull(name, "name");
      String lower = name.trim().toLowerCase(Locale.ROOT);
      if (lower.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
      if (isForbidden(lower)) {
        throw new IllegalArgumentException(
            "header '" + name + "' is never stored or replayed: it is per-session or per-message");
      }
      more.add(lower);
    }
    return new HeaderAllowList(more);
  }

  /** The allowed names, lower-case. */
  public Set<String> names() {
    return new TreeSet<>(names);
  }

  /** Whether this header is stored and replayed; case-insensitive. */
  public boolean allows(String name) {
    String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    return names.contains(lower) && !isForbidden(lower);
  }

  /** The snapshot with only the allowed headers, in their order. */
  public ResponseSnapshot filter(ResponseSnapshot response) {
    Objects.requireNonNull(response, "response");
    List<ResponseSnapshot.Header> kept = new ArrayList<>();
    for (ResponseSnapshot.Header header : response.headers()) {
      if (allows(header.name())) {
        kept.add(header);
      }
    }
    return kept.size() == response.headers().size()
        ? response
        : new ResponseSnapshot(response.status(), kept, response.body());
  }

  private static boolean isForbidden(String lower) {
    return FORBIDDEN.contains(lower) || lower.startsWith("proxy-");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HeaderAllowList that && names.equals(that.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return "HeaderAllowList" + names();
  }
}
