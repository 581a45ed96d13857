package dev.idem.spring;

import dev.idem.http.HttpIdempotency;
import dev.idem.http.RoutePolicy;
import dev.idem.servlet.IdempotencyFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletRegistrationBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpEntity;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Registers the {@link IdempotencyFilter} for {@link Idempotent} handler methods and the routes of
 * {@code idem.http.routes}. Which requests an annotation protects is decided per request by Spring
 * MVC's own handler mappings ({@link HandlerRouteResolver}): exactly the requests that will run the
 * annotated method, whatever the servlet path, encoding or overlapping mappings. A servlet
 * application using the starter with no protected route fails startup: that is almost always a
 * forgotten annotation, never what was meant.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({RequestMappingHandlerMapping.class, FilterRegistrationBean.class})
class IdemWebConfiguration {

  /** After Spring Security's filter (-100), so the principal is known when the scope is taken. */
  static final int FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

  @Bean
  @ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(
      HttpIdempotency http,
      IdemProperties properties,
      ObjectProvider<RequestMappingHandlerMapping> mappings,
      ObjectProvider<HandlerMappingIntrospector> introspector,
      ObjectProvider<HandlerMapping> handlerMappings,
      ObjectProvider<DispatcherServletRegistrationBean> dispatcherServlet) {
    List<String> problems = new ArrayList<>();
    Map<HandlerMethod, RoutePolicy> annotated = new LinkedHashMap<>();
    mappings
        .orderedStream()
        .forEach(
            mapping ->
                mapping
                    .getHandlerMethods()
                    .forEach((info, method) -> addPolicy(http, info, method, annotated, problems)));
    if (!problems.isEmpty()) {
      throw IdemAutoConfiguration.invalid(problems);
    }
    IdempotencyFilter.Builder builder = IdempotencyFilter.builder().http(http);
    if (!annotated.isEmpty()) {
      // The mappings in the DispatcherServlet's order; the introspector is Spring's own list of
      // them (what Spring Security and CORS consult), the beans a fallback without it.
      HandlerMappingIntrospector spring = introspector.getIfAvailable();
      List<HandlerMapping> ordered =
          spring != null ? spring.getHandlerMappings() : handlerMappings.orderedStream().toList();
      DispatcherServletRegistrationBean servlet = dispatcherServlet.getIfAvailable();
      builder.resolver(
          new HandlerRouteResolver(
              ordered, annotated, servlet == null ? null : servlet.getServletName()));
    }
    // An @Idempotent handler's own policy decides its requests; these patterns, matched against
    // the path within the application (servlet path included), cover the rest.
    List<String> routes = properties.getHttp().getRoutes();
    routes.forEach(pattern -> builder.route(pattern, http.defaults()));
    IdempotencyFilter filter;
    try {
      if (annotated.isEmpty() && routes.isEmpty()) {
        throw new IllegalArgumentException(
            "no route is protected\n(annotate a handler method with @Idempotent, set"
                + " idem.http.routes, or set idem.enabled=false)");
      }
      filter = builder.build();
    } catch (IllegalArgumentException e) {
      throw IdemAutoConfiguration.invalid(List.of(e.getMessage()));
    }
    FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
    registration.setName("idempotencyFilter");
    registration.setOrder(FILTER_ORDER);
    return registration;
  }

  private static void addPolicy(
      HttpIdempotency http,
      RequestMappingInfo info,
      HandlerMethod method,
      Map<HandlerMethod, RoutePolicy> policies,
      List<String> problems) {
    Idempotent annotation =
        AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), Idempotent.class);
    if (annotation == null) {
      return;
    }
    String where = method.getShortLogMessage();
    String async = asynchronousResult(method);
    if (async != null) {
      problems.add(
          "@Idempotent on "
              + where
              + ": it "
              + async
              + ", which answers after the filter has stored the response, so the key would"
              + " replay an empty answer; return the result itself (the key stays claimed while"
              + " the method runs)");
      return;
    }
    RoutePolicy policy;
    try {
      policy = policy(http.defaults(), annotation, where, problems);
    } catch (IllegalArgumentException e) {
      problems.add("@Idempotent on " + where + ": " + e.getMessage());
      return;
    }
    if (policy == null) {
      return;
    }
    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
    if (!methods.isEmpty()) {
      policy = policy.withMethods(methods.stream().map(RequestMethod::name).toList());
    }
    policies.put(method, policy);
  }

  /**
   * How a handler answers asynchronously ("returns CompletableFuture", "is a Kotlin suspend
   * function"), or null for a synchronous one. Spring MVC's async return values: {@code Callable},
   * {@code DeferredResult}, {@code WebAsyncTask}, futures, emitters, streaming bodies and reactive
   * types, also inside a {@code ResponseEntity}; and suspend functions, which it runs as
   * coroutines.
   */
  private static @Nullable String asynchronousResult(HandlerMethod method) {
    Class<?>[] parameters = method.getMethod().getParameterTypes();
    // Compiled, a suspend function takes a Continuation last and returns Object; matched by name
    // so that the check needs no Kotlin on the classpath.
    if (parameters.length > 0
        && "kotlin.coroutines.Continuation".equals(parameters[parameters.length - 1].getName())) {
      return "is a Kotlin suspend function";
    }
    ResolvableType returned = ResolvableType.forMethodReturnType(method.getMethod());
    Class<?> type = returned.toClass();
    if (HttpEntity.class.isAssignableFrom(type)) {
      Class<?> body = returned.as(HttpEntity.class).getGeneric(0).toClass();
      return isAsynchronous(body)
          ? "returns " + type.getSimpleName() + "<" + body.getSimpleName() + ">"
          : null;
    }
    return isAsynchronous(type) ? "returns " + type.getSimpleName() : null;
  }

  private static boolean isAsynchronous(Class<?> type) {
    return Callable.class.isAssignableFrom(type)
        || Future.class.isAssignableFrom(type)
        || CompletionStage.class.isAssignableFrom(type)
        || DeferredResult.class.isAssignableFrom(type)
        || WebAsyncTask.class.isAssignableFrom(type)
        || ResponseBodyEmitter.class.isAssignableFrom(type)
        || StreamingResponseBody.class.isAssignableFrom(type)
        || ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null;
  }

  private static RoutePolicy policy(
      RoutePolicy defaults, Idempotent annotation, String where, List<String> problems) {
    RoutePolicy policy = defaults.withKeyRequired(annotation.keyRequired());
    int before = problems.size();
    Duration retention = duration(annotation.retention(), "retention", where, problems);
    Duration lease = duration(annotation.lease(), "lease", where, problems);
    Duration maxWait = duration(annotation.maxWait(), "maxWait", where, problems);
    if (problems.size() > before) {
      return null;
    }
    if (retention != null) {
      policy = policy.withRetention(retention);
    }
    if (lease != null) {
      policy = policy.withLease(lease);
    }
    if (maxWait != null) {
      policy = policy.withMaxWait(maxWait);
    }
    policy =
        policy
            .withReleasingStatuses(
                Arrays.stream(annotation.releaseOn()).boxed().toArray(Integer[]::new))
            .withRetryable(annotation.retryable());
    if (annotation.maxBodySize() >= 0) {
      long readable = IdemAutoConfiguration.fingerprintLimit(defaults.maxBodyBytes());
      if (annotation.maxBodySize() > readable) {
        // The fingerprinter is shared by every route, so a larger per-route limit would still
        // answer 413 above it: say so at startup rather than surprise a client.
        problems.add(
            "@Idempotent on "
                + where
                + ": maxBodySize "
                + annotation.maxBodySize()
                + " is above what is fingerprinted ("
                + readable
                + " bytes); raise idem.http.max-body-size to at least "
                + annotation.maxBodySize());
        return null;
      }
      policy = policy.withMaxBodyBytes(annotation.maxBodySize());
    }
    return policy;
  }

  private static Duration duration(
      String value, String attribute, String where, List<String> problems) {
    if (value.isEmpty()) {
      return null;
    }
    try {
      return DurationStyle.detectAndParse(value);
    } catch (IllegalArgumentException e) {
      problems.add(
          "@Idempotent on " + where + ": " + attribute + " '" + value + "' is not a duration");
      return null;
    }
  }
}
