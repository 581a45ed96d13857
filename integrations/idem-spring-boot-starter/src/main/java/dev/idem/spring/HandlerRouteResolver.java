package dev.idem.spring;

import dev.idem.http.RoutePolicy;
import dev.idem.servlet.RouteResolver;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Protects a request exactly when the handler Spring MVC will run for it is an {@code @Idempotent}
 * method, with that method's policy. It asks the DispatcherServlet's own handler mappings, in their
 * order, so the servlet path, path decoding, {@code ;parameters}, pattern syntax, which of two
 * overlapping mappings is more specific, and the method, consumes and headers conditions are all
 * decided by Spring rather than re-implemented here.
 *
 * <p>Thread-safe: the mappings are, and nothing here changes after construction. The lookup runs on
 * a wrapper whose attribute changes stay in the wrapper, so the request reaches the
 * DispatcherServlet as it arrived.
 */
final class HandlerRouteResolver implements RouteResolver {
  private final List<HandlerMapping> mappings;
  private final Map<HandlerMethod, RoutePolicy> policies;
  private final Set<String> protectedMethods;
  private final @Nullable String dispatcherServlet;

  /**
   * @param mappings the DispatcherServlet's handler mappings, in its order
   * @param policies the policy of each {@code @Idempotent} handler method, as registered
   * @param dispatcherServlet the name of the DispatcherServlet, or null if unknown: requests the
   *     container sends to another servlet are then looked up too
   */
  HandlerRouteResolver(
      List<HandlerMapping> mappings,
      Map<HandlerMethod, RoutePolicy> policies,
      @Nullable String dispatcherServlet) {
    this.mappings = List.copyOf(mappings);
    this.policies = Map.copyOf(policies);
    Set<String> methods = new LinkedHashSet<>();
    policies.values().forEach(policy -> methods.addAll(policy.methods()));
    this.protectedMethods = Set.copyOf(methods);
    this.dispatcherServlet = dispatcherServlet;
  }

  @Override
  public @Nullable RoutePolicy resolve(HttpServletRequest request) {
    // Most requests are GETs no handler protects: skip the lookup, which Spring repeats anyway.
    if (!protectedMethods.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
      return null;
    }
    if (dispatcherServlet != null) {
      HttpServletMapping mapping = request.getHttpServletMapping();
      if (mapping != null && !dispatcherServlet.equals(mapping.getServletName())) {
        return null; // another servlet answers: no handler method runs
      }
    }
    LookupRequest lookup = new LookupRequest(request);
    ServletRequestPathUtils.parseAndCache(lookup);
    for (HandlerMapping mapping : mappings) {
      HandlerExecutionChain chain;
      try {
        chain = mapping.getHandler(lookup);
      } catch (Exception e) {
        // The DispatcherServlet fails the same way (405, 406, 415...) and runs no handler.
        return null;
      }
      if (chain != null) {
        // The first mapping with a handler is the one the DispatcherServlet uses.
        if (chain.getHandler() instanceof HandlerMethod method) {
          HandlerMethod registered = method.getResolvedFromHandlerMethod();
          return policies.get(registered == null ? method : registered);
        }
        return null;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "@Idempotent handler methods " + policies.keySet();
  }

  /**
   * The request with attributes of its own: the mappings record the lookup path, the matched
   * pattern and the URI variables as attributes, which must not leak into the real dispatch.
   */
  private static final class LookupRequest extends HttpServletRequestWrapper {
    private static final Object REMOVED = new Object();
    private final Map<String, Object> attributes = new HashMap<>();

    LookupRequest(HttpServletRequest request) {
      super(request);
    }

    @Override
    public @Nullable Object getAttribute(String name) {
      Object value = attributes.get(name);
      if (value == REMOVED) {
        return null;
      }
      return value != null ? value : super.getAttribute(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
      Set<String> names = new LinkedHashSet<>(Collections.list(super.getAttributeNames()));
      attributes.forEach(
          (name, value) -> {
            if (value == REMOVED) {
              names.remove(name);
            } else {
              names.add(name);
            }
          });
      return Collections.enumeration(names);
    }

    @Override
    public void setAttribute(String name, @Nullable Object value) {
      attributes.put(name, value == null ? REMOVED : value);
    }

    @Override
    public void removeAttribute(String name) {
      attributes.put(name, REMOVED);
    }
  }
}
