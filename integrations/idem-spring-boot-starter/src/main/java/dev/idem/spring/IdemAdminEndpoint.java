package dev.idem.spring;

import dev.idem.IdempotencyAdmin;
import dev.idem.IdempotencyAdmin.ForceReleaseOutcome;
import dev.idem.IdempotencyAdmin.PurgeOutcome;
import dev.idem.KeyCheck;
import dev.idem.KeyPolicy;
import dev.idem.RecordView;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.StoreUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The {@code idempotency} Actuator endpoint: one record at a time, addressed by scope and key.
 *
 * <ul>
 *   <li>{@code GET /actuator/idempotency/{scope}/{key}}: the record's state, times, fingerprint
 *       prefix, result size and, while in progress, its claim id. Never the key, the lease token or
 *       the stored response.
 *   <li>{@code POST /actuator/idempotency/{scope}/{key}} with {@code {"claim": "…"}}: releases that
 *       in-progress claim so the next request runs; refused (409) if the record completed or is
 *       held under another claim by then.
 *   <li>{@code DELETE /actuator/idempotency/{scope}/{key}}: deletes the record in any state.
 * </ul>
 *
 * <p>The scope is part of every address and the store key is derived exactly as for requests, so
 * there is no way to list records or to reach one without its scope and key. A scope outside {@code
 * idem.admin.allowed-scopes}, or refused by an {@link IdemAdminScopeAccess} bean, is answered with
 * 403; a key the application's key policy refuses with 400; a store that cannot be reached with
 * 503.
 *
 * <p>Off by default ({@link Access#NONE}); web only, since its answers are HTTP statuses. Secure it
 * like any Actuator endpoint that writes. Thread-safe.
 */
@WebEndpoint(id = "idempotency", defaultAccess = Access.NONE)
public class IdemAdminEndpoint {
  private static final int FORBIDDEN = 403;
  private static final int CONFLICT = 409;

  private final IdempotencyAdmin admin;
  private final KeyPolicy keyPolicy;
  private final List<String> allowedScopes;
  private final @Nullable IdemAdminScopeAccess access;

  /**
   * @param admin the engine's admin view
   * @param keyPolicy the policy the application's keys follow (the engine's)
   * @param allowedScopes scope patterns ({@code tenant:acme}, {@code tenant:*}); empty for any
   * @param access a further per-operator check, or null
   * @throws IllegalArgumentException listing every malformed pattern
   * @throws NullPointerException if {@code admin}, {@code keyPolicy} or {@code allowedScopes} is
   *     null
   */
  public IdemAdminEndpoint(
      IdempotencyAdmin admin,
      KeyPolicy keyPolicy,
      List<String> allowedScopes,
      @Nullable IdemAdminScopeAccess access) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.keyPolicy = Objects.requireNonNull(keyPolicy, "keyPolicy");
    this.allowedScopes = List.copyOf(Objects.requireNonNull(allowedScopes, "allowedScopes"));
    this.access = access;
    List<String> problems = new ArrayList<>();
    for (String pattern : this.allowedScopes) {
      int star = pattern.indexOf('*');
      if (pattern.isBlank()) {
        problems.add("idem.admin.allowed-scopes: a pattern is blank");
      } else if (star >= 0 && star != pattern.length() - 1) {
        problems.add(
            "idem.admin.allowed-scopes: '"
                + pattern
                + "' has a '*' before its end; only a trailing '*' (e.g. tenant:*) is supported");
      }
    }
    ConfigProblems.throwIfAny("idem.admin", problems);
  }

  /** The record's view, 404 if there is none. */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> inspect(
      SecurityContext operator, @Selector String scope, @Selector String key) {
    Optional<WebEndpointResponse<Map<String, Object>>> refused = refuse(operator, scope, key);
    if (refused.isPresent()) {
      return refused.get();
    }
    try {
      return admin
          .inspect(scope, key)
          .map(view -> new WebEndpointResponse<>(body(scope, view)))
          .orElseGet(() -> answer("not-found", WebEndpointResponse.STATUS_NOT_FOUND));
    } catch (StoreUnavailableException e) {
      return unavailable(e);
    }
  }

  /** Releases the named in-progress claim; 409 if the record is completed or held otherwise. */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> forceRelease(
      SecurityContext operator, @Selector String scope, @Selector String key, String claim) {
    Optional<WebEndpointResponse<Map<String, Object>>> refused = refuse(operator, scope, key);
    if (refused.isPresent()) {
      return refused.get();
    }
    try {
      ForceReleaseOutcome outcome = admin.forceRelease(scope, key, claim);
      if (outcome instanceof ForceReleaseOutcome.Released) {
        return answer("released", WebEndpointResponse.STATUS_OK);
      }
      if (outcome instanceof ForceReleaseOutcome.NotFound) {
        return answer("not-found", WebEndpointResponse.STATUS_NOT_FOUND);
      }
      if (outcome instanceof ForceReleaseOutcome.NotInProgress) {
        return answer("not-in-progress", CONFLICT);
      }
      return answer("claim-changed", CONFLICT);
    } catch (StoreUnavailableException e) {
      return unavailable(e);
    }
  }

  /** Deletes the record in any state; 404 if there is none. */
  @DeleteOperation
  public WebEndpointResponse<Map<String, Object>> purge(
      SecurityContext operator, @Selector String scope, @Selector String key) {
    Optional<WebEndpointResponse<Map<String, Object>>> refused = refuse(operator, scope, key);
    if (refused.isPresent()) {
      return refused.get();
    }
    try {
      PurgeOutcome outcome = admin.purge(scope, key);
      return outcome instanceof PurgeOutcome.Purged
          ? answer("purged", WebEndpointResponse.STATUS_OK)
          : answer("not-found", WebEndpointResponse.STATUS_NOT_FOUND);
    } catch (StoreUnavailableException e) {
      return unavailable(e);
    }
  }

  /** Whether the scope may be addressed by configuration alone (the per-operator hook aside). */
  boolean scopeAllowed(String scope) {
    if (allowedScopes.isEmpty()) {
      return true;
    }
    for (String pattern : allowedScopes) {
      boolean matches =
          pattern.endsWith("*")
              ? scope.startsWith(pattern.substring(0, pattern.length() - 1))
              : scope.equals(pattern);
      if (matches) {
        return true;
      }
    }
    return false;
  }

  private Optional<WebEndpointResponse<Map<String, Object>>> refuse(
      SecurityContext operator, String scope, String key) {
    // Scope first: an operator refused the scope learns nothing about the key either.
    if (!scopeAllowed(scope) || (access != null && !access.allows(scope, operator))) {
      return Optional.of(answer("scope-forbidden", FORBIDDEN));
    }
    if (keyPolicy.check(key) instanceof KeyCheck.Rejected rejected) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("outcome", "key-rejected");
      body.put("policy", rejected.policy());
      body.put("rule", rejected.rule().name());
      body.put("detail", rejected.detail());
      return Optional.of(new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST));
    }
    return Optional.empty();
  }

  private static Map<String, Object> body(String scope, RecordView view) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("scope", scope);
    body.put("storeKey", view.storeKey());
    body.put("state", view.state().name());
    body.put("fingerprintPrefix", view.fingerprintPrefix());
    if (view.claim() != null) {
      body.put("claim", view.claim());
    }
    body.put("createdAt", view.createdAt().toString());
    body.put("expiresAt", view.expiresAt().toString());
    if (view.completedAt() != null) {
      body.put("completedAt", String.valueOf(view.completedAt()));
    }
    if (view.resultBytes() != null) {
      body.put("resultBytes", view.resultBytes());
    }
    return body;
  }

  private static WebEndpointResponse<Map<String, Object>> answer(String outcome, int status) {
    return new WebEndpointResponse<>(Map.of("outcome", outcome), status);
  }

  private static WebEndpointResponse<Map<String, Object>> unavailable(StoreUnavailableException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", "store-unavailable");
    body.put("retryAfterSeconds", Math.max(1, e.retryAfter().toSeconds()));
    return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
  }
}
