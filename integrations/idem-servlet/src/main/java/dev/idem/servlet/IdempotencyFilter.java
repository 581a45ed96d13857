package dev.idem.servlet;

import dev.idem.http.Decision;
import dev.idem.http.HttpIdempotency;
import dev.idem.http.ResponseSnapshot;
import dev.idem.http.RoutePolicy;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A Jakarta Servlet filter that makes chosen routes idempotent with {@link HttpIdempotency}.
 *
 * <pre>{@code
 * IdempotencyFilter filter = IdempotencyFilter.builder()
 *     .http(HttpIdempotency.builder().idempotency(engine).build())
 *     .route("/payments/**", RoutePolicy.ofDefaults())
 *     .route("/orders/{id}/refunds", RoutePolicy.ofDefaults().withRetryable(true))
 *     .build();
 * servletContext.addFilter("idempotency", filter).addMappingForUrlPatterns(null, false, "/*");
 * }</pre>
 *
 * <p>Which policy protects a request is decided on the path the container routes on: the path
 * within the application, decoded, without {@code ;parameters} ({@code getServletPath()} plus
 * {@code getPathInfo()}), so that {@code /orders;v=1} or {@code /%6Frders} cannot slip past a route
 * that {@code /orders} is on. A {@link RouteResolver}, if set, decides first (a framework that
 * knows which handler will answer, as the Spring Boot starter does); otherwise, or when it returns
 * null, the most specific matching route pattern decides, in the order Spring MVC picks among
 * mappings. A request on no route, or with a method its route does not protect, goes down the chain
 * untouched (not even wrapped, so streaming responses keep streaming). For a protected request the
 * filter reads the body once (at most the route's limit; beyond it 413), hands the handler a
 * request that replays those bytes from {@code getInputStream()} or {@code getReader()}, captures
 * the whole response, and writes what {@link HttpIdempotency} decided. The handler must answer
 * synchronously: a handler that starts async processing on a protected route is treated as a failed
 * handler (500, stored like any failure, and logged), never stored as the empty answer it left
 * behind. Form parameters read with {@code getParameter} are not available on protected routes,
 * because the body was consumed; read the body instead. A body that a filter before this one read
 * is never fingerprinted as the empty rest of the stream: a form whose parameters that filter
 * parsed is fingerprinted by its parameters; anything else is refused with a 500 {@code
 * body-unavailable} problem before the handler runs.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class IdempotencyFilter implements Filter {
  private static final System.Logger LOG = System.getLogger(IdempotencyFilter.class.getName());

  private final HttpIdempotency http;
  private final @Nullable RouteResolver resolver;
  private final List<Route> routes;

  private record Route(RoutePattern pattern, RoutePolicy policy) {}

  private IdempotencyFilter(
      HttpIdempotency http, @Nullable RouteResolver resolver, List<Route> routes) {
    this.http = http;
    this.resolver = resolver;
    List<Route> ordered = new ArrayList<>(routes);
    // Stable: of two equally specific patterns the one added first still decides.
    ordered.sort(Comparator.comparing(Route::pattern, RoutePattern.MOST_SPECIFIC_FIRST));
    this.routes = List.copyOf(ordered);
  }

  /** A builder; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    RoutePolicy policy = policyFor(request);
    // The fingerprint binds the key to the target as the client sent it, so that two requests the
    // application may tell apart (by a matrix parameter, say) never share a key's response.
    String path = rawPathWithinApplication(request);
    if (policy == null || !policy.protects(request.getMethod())) {
      chain.doFilter(req, res);
      return;
    }
    AtomicReference<@Nullable CapturingResponse> capture = new AtomicReference<>();
    Decision decision =
        http.handle(
            new ServletRequestView(request, path),
            policy,
            body -> {
              CapturingResponse capturing = new CapturingResponse(response);
              capture.set(capturing);
              chain.doFilter(new BufferedRequest(request, body, capturing), capturing);
              if (request.isAsyncStarted()) {
                // Whatever the handler answers later would miss the stored record; an empty 200
                // stored now would be replayed to every retry. A handler failure is honest.
                throw new IllegalStateException(
                    "the handler started asynchronous processing, which the idempotency filter"
                        + " cannot capture; answer synchronously on protected routes");
              }
              return capturing.snapshot();
            });
    if (decision instanceof Decision.PassThrough) {
      chain.doFilter(req, res);
    } else if (decision instanceof Decision.Rejected rejected) {
      keepConnectionUsable(request, response, policy.maxBodyBytes());
      write(response, rejected.response(), List.of());
    } else if (decision instanceof Decision.Replayed replayed) {
      write(response, replayed.response(), List.of());
    } else if (decision instanceof Decision.Executed executed) {
      Throwable failure = executed.failure();
      if (failure != null) {
        LOG.log(
            System.Logger.Level.ERROR,
            "handler failed on "
                + request.getMethod()
                + " "
                + path
                + "; answered 500, storage "
                + executed.storage(),
            failure);
      }
      CapturingResponse capturing = capture.get();
      write(response, executed.response(), capturing == null ? List.of() : capturing.cookies());
      if (request.isAsyncStarted()) {
        // The answer above is final; the abandoned async work writes only to the capture.
        try {
          request.getAsyncContext().complete();
        } catch (IllegalStateException alreadyCompleted) {
          // The handler's own thread completed or dispatched it first: nothing left to end.
        }
      }
    }
  }

  /**
   * A request refused before its body was read leaves that body on the connection: the container
   * then closes it, and a client that pooled the connection on seeing a complete response loses its
   * next request to the close. Reading a bounded body keeps the connection usable; beyond the
   * route's limit the answer says {@code Connection: close} instead.
   */
  private static void keepConnectionUsable(
      HttpServletRequest request, HttpServletResponse response, long limit) {
    byte[] buffer = new byte[8192];
    long read = 0;
    try {
      InputStream body = request.getInputStream();
      int n;
      while (read <= limit && (n = body.read(buffer)) != -1) {
        read += n;
      }
      if (read > limit) {
        response.setHeader("Connection", "close");
      }
    } catch (IOException | IllegalStateException e) {
      // The body is unreadable (broken connection, or a reader already taken): do not reuse it.
      response.setHeader("Connection", "close");
    }
  }

  private @Nullable RoutePolicy policyFor(HttpServletRequest request) {
    if (resolver != null) {
      RoutePolicy resolved = resolver.resolve(request);
      if (resolved != null) {
        return resolved;
      }
    }
    if (routes.isEmpty()) {
      return null;
    }
    String path = routingPath(request);
    for (Route route : routes) {
      if (route.pattern().matches(path)) {
        return route.policy();
      }
    }
    return null;
  }

  /**
   * The path the container chose the servlet by: decoded, normalised, without path parameters.
   * Matching the raw URI instead would let {@code /orders;x=1} or {@code /%6Frders} reach the
   * handler of {@code /orders} unprotected.
   */
  private static String routingPath(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  private static String rawPathWithinApplication(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (uri == null) {
      return "/";
    }
    if (context != null && !context.isEmpty() && uri.startsWith(context)) {
      uri = uri.substring(context.length());
    }
    return uri.isEmpty() ? "/" : uri;
  }

  private static void write(
      HttpServletResponse response, ResponseSnapshot snapshot, List<Cookie> cookies)
      throws IOException {
    if (response.isCommitted()) {
      // Only a filter before this one can have committed it; nothing sensible can be added now.
      return;
    }
    response.setStatus(snapshot.status());
    Set<String> seen = new HashSet<>();
    for (ResponseSnapshot.Header header : snapshot.headers()) {
      String lower = header.name().toLowerCase(java.util.Locale.ROOT);
      if (seen.add(lower)) {
        response.setHeader(header.name(), header.value());
      } else {
        response.addHeader(header.name(), header.value());
      }
    }
    // After the headers: setHeader("Set-Cookie", …) above would otherwise replace these.
    for (Cookie cookie : cookies) {
      response.addCookie(cookie);
    }
    byte[] body = snapshot.body();
    response.setContentLength(body.length);
    OutputStream out = response.getOutputStream();
    out.write(body);
    out.flush();
  }

  @Override
  public String toString() {
    return "IdempotencyFilter[routes="
        + routes
        + (resolver == null ? "" : ", resolver=" + resolver)
        + ", http="
        + http
        + "]";
  }

  /**
   * Configures an {@link IdempotencyFilter}. Not thread-safe. {@link #http} and {@link #resolver}
   * may be set once each. Invalid options are reported together by {@link #build()}.
   */
  public static final class Builder {
    private @Nullable HttpIdempotency http;
    private @Nullable RouteResolver resolver;
    private final List<Route> routes = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Builder() {}

    /**
     * The protocol engine. Required.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder http(HttpIdempotency http) {
      if (this.http != null) {
        throw new IllegalStateException("http was already set");
      }
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * Decides per request, before the route patterns, which policy protects it; see {@link
     * RouteResolver}. Optional.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder resolver(RouteResolver resolver) {
      if (this.resolver != null) {
        throw new IllegalStateException("resolver was already set");
      }
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Protects paths matching {@code pattern} under {@code policy}. Patterns have Spring MVC's
     * syntax: per segment literal text, {@code ?}, {@code *}, {@code {name}} and {@code
     * {name:regex}}, mixed freely ({@code /files/{name}.json}); a final {@code /**} or {@code
     * /{*name}} for any remainder. They are matched against the decoded path within the application
     * (which includes the servlet path), and the most specific matching pattern wins, as in Spring
     * MVC: {@code /items/search} over {@code /items/{id}} over {@code /items/**}. A pattern that
     * cannot be matched as Spring would is reported by {@link #build()}, never silently left
     * unmatched.
     *
     * @throws NullPointerException if an argument is null
     */
    public Builder route(String pattern, RoutePolicy policy) {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(policy, "policy");
      try {
        RoutePattern parsed = RoutePattern.parse(pattern);
        if (routes.stream().anyMatch(r -> r.pattern().equals(parsed))) {
          problems.add("route '" + pattern + "' is configured twice");
        } else {
          routes.add(new Route(parsed, policy));
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      return this;
    }

    /**
     * Builds the filter.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public IdempotencyFilter build() {
      List<String> all = new ArrayList<>();
      if (http == null) {
        all.add("http is required: e.g. HttpIdempotency.builder().idempotency(engine).build()");
      }
      if (routes.isEmpty() && resolver == null && problems.isEmpty()) {
        all.add("no route is protected: add route(\"/payments/**\", RoutePolicy.ofDefaults())");
      }
      all.addAll(problems);
      if (!all.isEmpty()) {
        StringBuilder message =
            new StringBuilder("Invalid IdempotencyFilter configuration (")
                .append(all.size())
                .append(all.size() == 1 ? " problem):" : " problems):");
        for (String problem : all) {
          message.append("\n  - ").append(problem);
        }
        throw new IllegalArgumentException(message.toString());
      }
      return new IdempotencyFilter(Objects.requireNonNull(http), resolver, routes);
    }
  }
}
