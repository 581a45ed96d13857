package dev.idem.servlet;

import dev.idem.Idempotency;
import dev.idem.StoreFailurePolicy;
import dev.idem.http.HttpIdempotency;
import dev.idem.http.HttpProfile;
import dev.idem.http.RoutePolicy;
import dev.idem.http.ScopeResolver;
import dev.idem.spi.IdempotencyStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty server with the filter in front of a servlet that counts its side effects. Paths
 * (after an optional route prefix such as {@code /retryable}) choose the handler's behaviour:
 * {@code .../status/N} answers N, {@code .../throw} throws, {@code .../slow} waits for {@link
 * #release}, {@code .../big} answers 100 bytes, {@code .../stream} streams in two parts, anything
 * {@code .../reader} echoes the body read with {@code getReader()}, {@code .../redirect} and {@code
 * .../send-error} use {@code sendRedirect} and {@code sendError}, {@code .../async} and {@code
 * .../async-plain} (the no-argument {@code startAsync()}) answer from an async context after the
 * dispatch returns, anything else answers 201 echoing the body with {@code Location}, {@code
 * Set-Cookie} and a custom header. The handler is mapped at {@code /*} and again at {@link
 * #SERVLET_PATH}{@code /*}.
 */
final class TestServer implements AutoCloseable {
  static final long SMALL_LIMIT = 64;

  /** What {@code .../unicode} writes with {@code getWriter()}: not representable in ISO-8859-1. */
  static final String UNICODE = "Zo\u00eb \u65e5\u672c \u20ac";

  /** A second mapping of the handler, at {@code /v1/*}. */
  static final String SERVLET_PATH = "/v1";

  final AtomicInteger executions = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  final List<Throwable> escaped = new CopyOnWriteArrayList<>();
  final Idempotency engine;
  private final Server server;
  private final ServerConnector connector;
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private volatile CountDownLatch entered = new CountDownLatch(1);

  /** The routes of the contract tests: every path protected, some prefixes differently. */
  static final Consumer<IdempotencyFilter.Builder> CONTRACT_ROUTES =
      builder ->
          builder
              .route("/retryable/**", RoutePolicy.ofDefaults().withRetryable(true))
              .route("/wait/**", RoutePolicy.ofDefaults().withMaxWait(Duration.ofSeconds(10)))
              .route("/optional/**", RoutePolicy.ofDefaults().withKeyRequired(false))
              .route("/small/**", RoutePolicy.ofDefaults().withMaxBodyBytes(SMALL_LIMIT))
              .route(
                  "/all-methods/**",
                  RoutePolicy.ofDefaults().withMethods("POST", "PUT", "DELETE", "PATCH"))
              .route("/**", RoutePolicy.ofDefaults());

  private TestServer(
      Idempotency engine, HttpIdempotency http, Consumer<IdempotencyFilter.Builder> routes)
      throws Exception {
    this.engine = engine;
    IdempotencyFilter.Builder builder = IdempotencyFilter.builder().http(http);
    routes.accept(builder);
    IdempotencyFilter filter = builder.build();
    server = new Server();
    connector = new ServerConnector(server);
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    // Outermost: records anything that escapes the idempotency filter, then lets it go on.
    Filter probe =
        (req, res, chain) -> {
          inFlight.incrementAndGet();
          try {
            chain.doFilter(req, res);
          } catch (IOException | ServletException | RuntimeException | Error e) {
            escaped.add(
                new AssertionError(
                    "escaped from "
                        + ((jakarta.servlet.http.HttpServletRequest) req).getMethod()
                        + " "
                        + ((jakarta.servlet.http.HttpServletRequest) req).getRequestURI(),
                    e));
            throw e;
          } finally {
            inFlight.decrementAndGet();
          }
        };
    // Everything async-capable, so that a handler's startAsync succeeds as it would in Spring MVC.
    FilterHolder probeHolder = new FilterHolder(probe);
    probeHolder.setAsyncSupported(true);
    context.addFilter(probeHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
    // Before Idem, as Spring Boot's FormContentFilter or a logging filter would be: under /forms/
    // it parses the form parameters, under /consumed/ it reads the raw body.
    Filter bodyReader =
        (req, res, chain) -> {
          String uri = ((HttpServletRequest) req).getRequestURI();
          if (uri.startsWith("/forms/")) {
            req.getParameterMap();
          } else if (uri.startsWith("/consumed/")) {
            req.getInputStream().readAllBytes();
          } else if (uri.startsWith("/utf8/")) {
            // As Spring's server.servlet.encoding.force-response does.
            res.setCharacterEncoding("UTF-8");
          }
          chain.doFilter(req, res);
        };
    FilterHolder bodyReaderHolder = new FilterHolder(bodyReader);
    bodyReaderHolder.setAsyncSupported(true);
    context.addFilter(bodyReaderHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
    FilterHolder filterHolder = new FilterHolder(filter);
    filterHolder.setAsyncSupported(true);
    context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder handler = new ServletHolder(new Handler());
    handler.setAsyncSupported(true);
    context.addServlet(handler, "/*");
    // The same handler behind a servlet path, as a DispatcherServlet at spring.mvc.servlet.path.
    ServletHolder prefixed = new ServletHolder(new Handler());
    prefixed.setAsyncSupported(true);
    context.addServlet(prefixed, SERVLET_PATH + "/*");
    server.setHandler(context);
    server.start();
  }

  static TestServer start(IdempotencyStore store) throws Exception {
    return start(
        store, HttpProfile.ietf(), ScopeResolver.principal(), StoreFailurePolicy.FAIL_CLOSED);
  }

  /** A server whose filter protects what {@code routes} adds to its builder. */
  static TestServer start(IdempotencyStore store, Consumer<IdempotencyFilter.Builder> routes)
      throws Exception {
    Idempotency engine = Idempotency.builder().store(store).build();
    return new TestServer(engine, HttpIdempotency.builder().idempotency(engine).build(), routes);
  }

  static TestServer start(
      IdempotencyStore store,
      HttpProfile profile,
      ScopeResolver scope,
      StoreFailurePolicy onFailure)
      throws Exception {
    Idempotency engine = Idempotency.builder().store(store).storeFailurePolicy(onFailure).build();
    HttpIdempotency http =
        HttpIdempotency.builder().idempotency(engine).profile(profile).scopeResolver(scope).build();
    return new TestServer(engine, http, CONTRACT_ROUTES);
  }

  int port() {
    return connector.getLocalPort();
  }

  /** Blocks until a {@code slow} handler is running. */
  void awaitEntered() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the slow handler never started");
    }
  }

  /** Lets waiting {@code slow} and {@code stream} handlers finish. */
  void release() {
    gate.countDown();
  }

  @Override
  public void close() throws Exception {
    release();
    // A client has its whole response before the server thread returns from its last write; let
    // those threads finish, so that stopping the server is not mistaken for a filter failure. A
    // request still in the filter after this is stuck, and reported.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (inFlight.get() > 0) {
      escaped.add(new AssertionError(inFlight.get() + " requests still in the filter at stop"));
    }
    server.stop();
    engine.close();
  }

  private final class Handler extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      String path = req.getRequestURI();
      if (path.endsWith("/stream")) {
        res.setContentType("text/plain");
        res.getOutputStream().write("part1".getBytes(StandardCharsets.US_ASCII));
        res.flushBuffer();
        awaitGate();
        res.getOutputStream().write("part2".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      if (path.endsWith("/reader")) {
        executions.incrementAndGet();
        String text = req.getReader().lines().reduce("", String::concat);
        res.setStatus(201);
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().print("read " + text);
        return;
      }
      if (path.endsWith("/async") || path.endsWith("/async-plain")) {
        executions.incrementAndGet();
        // With the objects it was given, as Spring MVC does, or (".../async-plain") without.
        jakarta.servlet.AsyncContext async =
            path.endsWith("/async-plain") ? req.startAsync() : req.startAsync(req, res);
        async.start(
            () -> {
              try {
                async
                    .getResponse()
                    .getOutputStream()
                    .write("late".getBytes(StandardCharsets.UTF_8));
                async.complete();
              } catch (IOException | IllegalStateException abandoned) {
                // The filter answered and completed the request already.
              }
            });
        return;
      }
      if (path.endsWith("/unicode")) {
        executions.incrementAndGet();
        res.setStatus(201);
        res.setContentType("text/plain");
        res.getWriter().print(UNICODE);
        return;
      }
      if (path.endsWith("/late-charset")) {
        executions.incrementAndGet();
        res.setStatus(201);
        PrintWriter writer = res.getWriter();
        // Too late to change the writer's charset (ISO-8859-1 by default): the header must not lie.
        res.setContentType("text/plain;charset=UTF-8");
        writer.print("Zo\u00eb");
        return;
      }
      if (path.endsWith("/redirect")) {
        executions.incrementAndGet();
        res.sendRedirect("/payments/redirected");
        res.getWriter().print("written after the redirect");
        return;
      }
      if (path.endsWith("/send-error")) {
        executions.incrementAndGet();
        res.getWriter().print("written before the error");
        res.sendError(402, "pay first");
        res.getWriter().print("written after the error");
        return;
      }
      byte[] body = req.getInputStream().readAllBytes();
      int n = executions.incrementAndGet();
      int status = path.indexOf("/status/");
      if (status >= 0) {
        res.setStatus(Integer.parseInt(path.substring(status + 8)));
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().print("status " + path.substring(status + 8) + " #" + n);
        return;
      }
      if (path.endsWith("/throw")) {
        throw new IllegalStateException("handler failure #" + n);
      }
      if (path.endsWith("/slow")) {
        entered.countDown();
        awaitGate();
      }
      if (path.endsWith("/big")) {
        res.setContentType("application/octet-stream");
        res.getOutputStream().write(new byte[100]);
        return;
      }
      res.setStatus(201);
      res.setContentType("application/json");
      res.setHeader("Location", "/payments/" + n);
      res.addHeader("X-Trace", "trace-" + n);
      res.addHeader("Set-Cookie", "header-cookie=" + n);
      res.addCookie(new Cookie("session", "s" + n));
      String json =
          "{\"n\":" + n + ",\"body\":\"" + new String(body, StandardCharsets.UTF_8) + "\"}";
      res.setContentLength(json.getBytes(StandardCharsets.UTF_8).length);
      res.flushBuffer(); // when captured, this must not commit the response early
      PrintWriter writer = res.getWriter();
      writer.print(json);
    }

    private void awaitGate() {
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
