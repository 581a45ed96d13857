package dev.idem.servlet;

import dev.idem.http.RoutePolicy;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Decides, per request, which policy protects it: for a framework that knows which handler will
 * answer a request better than a path pattern can (the Spring Boot starter asks Spring MVC's own
 * handler mappings). {@link IdempotencyFilter} asks it before its route patterns; null lets them
 * decide.
 *
 * <p>Implementations must be thread-safe, must not read the request body, and must leave the
 * request as they found it (attributes included): the handler runs on the same request afterwards.
 */
@FunctionalInterface
public interface RouteResolver {

  /**
   * The policy for {@code request}, or null if this resolver does not protect it.
   *
   * @param request never null
   * @throws RuntimeException if the resolver cannot decide; the filter then fails the request
   *     rather than run the handler unprotected
   */
  @Nullable RoutePolicy resolve(HttpServletRequest request);
}
