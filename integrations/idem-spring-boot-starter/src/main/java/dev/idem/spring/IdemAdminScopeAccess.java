package dev.idem.spring;

import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * Decides which scopes the operator calling the {@code idempotency} Actuator endpoint may address,
 * in addition to {@code idem.admin.allowed-scopes}. Define one as a bean when operators are
 * per-tenant, so that the operator of tenant A cannot inspect, release or purge tenant B's records:
 *
 * <pre>{@code
 * @Bean
 * IdemAdminScopeAccess tenantOperators() {
 *   // Operators of tenant acme have role OPS_acme and may address tenant:acme only.
 *   return (scope, operator) ->
 *       scope.startsWith("tenant:") && operator.isUserInRole("OPS_" + scope.substring(7));
 * }
 * }</pre>
 *
 * <p>A refused call is answered with 403 and never reaches the store. Implementations must be
 * thread-safe; arguments are never null ({@link SecurityContext#getPrincipal()} is null for an
 * unauthenticated caller).
 */
@FunctionalInterface
public interface IdemAdminScopeAccess {

  /**
   * Whether {@code operator} may address records of {@code scope}.
   *
   * @param scope the scope as written in the endpoint's path, e.g. {@code tenant:acme}
   * @param operator who is calling, as Actuator sees them
   */
  boolean allows(String scope, SecurityContext operator);
}
