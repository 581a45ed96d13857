package dev.idem.http;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the scope (tenant or principal) a request's key belongs to: the stored identity is scope
 * + key, so one tenant can never replay another's response by sending its key. Implementations must
 * be thread-safe. An empty result refuses the request with 400 ({@link ProblemType#SCOPE_MISSING});
 * nothing is stored.
 */
@FunctionalInterface
public interface ScopeResolver {

  /** The scope of anonymous requests under {@link #principal()}. */
  String ANONYMOUS = "anonymous";

  /** The longest scope value a header may carry. */
  int MAX_HEADER_SCOPE_LENGTH = 128;

  /**
   * The scope of this request, or empty if it cannot be determined.
   *
   * @throws NullPointerException if {@code request} is null
   */
  Optional<String> resolve(HttpRequestView request);

  /**
   * The default: the authenticated principal's name ({@code principal:NAME}); anonymous requests
   * share the fixed scope {@value #ANONYMOUS}.
   */
  static ScopeResolver principal() {
    return request -> {
      String name = request.principal();
      return Optional.of(name == null ? ANONYMOUS : "principal:" + name);
    };
  }

  /**
   * The value of a header a trusted gateway sets, such as {@code X-Tenant-Id} ({@code
   * tenant:VALUE}). Requests without exactly one such field, or whose value is empty, longer than
   * {@value #MAX_HEADER_SCOPE_LENGTH} characters or not visible ASCII, are refused. Only use this
   * behind a gateway that overwrites the header: a client could otherwise choose its tenant.
   *
   * @throws NullPointerException if {@code headerName} is null
   * @throws IllegalArgumentException if {@code headerName} is blank
   */
  static ScopeResolver header(String headerName) {
    Objects.requireNonNull(headerName, "headerName");
    if (headerName.isBlank()) {
      throw new IllegalArgumentException("headerName must not be blank");
    }
    return request -> {
      List<String> values = request.headers(headerName);
      if (values.size() != 1) {
        return Optional.empty();
      }
      String value = values.get(0).strip();
      if (value.isEmpty() || value.length() > MAX_HEADER_SCOPE_LENGTH) {
        return Optional.empty();
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          return Optional.empty();
        }
      }
      return Optional.of("tenant:" + value);
    };
  }

  /**
   * The same scope for every request: single-tenant services.
   *
   * @throws NullPointerException if {@code scope} is null
   */
  static ScopeResolver constant(String scope) {
    Objects.requireNonNull(scope, "scope");
    Optional<String> result = Optional.of(scope);
    return request -> result;
  }
}
