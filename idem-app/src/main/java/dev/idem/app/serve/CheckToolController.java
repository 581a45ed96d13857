package dev.idem.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.conformance.CheckListener;
import dev.idem.conformance.CheckResult;
import dev.idem.conformance.ConformanceChecker;
import dev.idem.conformance.ConformanceReport;
import dev.idem.conformance.Exchange;
import dev.idem.conformance.Profile;
import dev.idem.conformance.TargetUnreachableException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * {@code idem check} from the web tool: runs the conformance checker against a URL and streams one
 * JSON line per event ({@code application/x-ndjson}): {@code started} and {@code result} for each
 * check, then {@code done} with the totals, or {@code error} when the target cannot be reached.
 *
 * <p>The checker sends requests to whatever URL the page names, from the server: a request forgery
 * tool in the wrong hands. {@code idem serve} binds to 127.0.0.1 unless told otherwise, which keeps
 * it a local developer tool; beyond that one run at a time is allowed, with at most {@value
 * #MAX_CONCURRENCY} simultaneous duplicates, a {@value #REQUEST_TIMEOUT_SECONDS} s request timeout
 * and a retention (the after-expiry wait) of at most {@value #MAX_RETENTION_SECONDS} s.
 */
@RestController
class CheckToolController {
  static final int MAX_CONCURRENCY = 32;
  static final int MAX_RETENTION_SECONDS = 120;
  static final int REQUEST_TIMEOUT_SECONDS = 10;
  static final int MAX_HEADERS = 20;
  static final int MAX_BODY_CHARS = 64 * 1024;
  static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private final ObjectMapper json;
  private final Semaphore oneRun = new Semaphore(1);
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "idem-tool-check");
            thread.setDaemon(true);
            return thread;
          });

  CheckToolController(ObjectMapper json) {
    this.json = json;
  }

  /** The body of {@code POST /api/tools/check}; only {@code url} is required. */
  record CheckRequest(
      String url,
      String method,
      String body,
      String mismatchBody,
      Map<String, String> headers,
      Integer concurrency,
      String retention,
      String profile) {}

  @PostMapping("/api/tools/check")
  ResponseEntity<ResponseBodyEmitter> check(@RequestBody CheckRequest request) {
    ConformanceChecker.Builder builder = ConformanceChecker.builder();
    builder.target(target(request.url()));
    if (request.method() != null && !request.method().isBlank()) {
      builder.method(request.method().strip().toUpperCase(Locale.ROOT));
    }
    if (request.body() != null && !request.body().isBlank()) {
      if (request.body().length() > MAX_BODY_CHARS) {
        throw ToolsController.invalid("body must be at most " + MAX_BODY_CHARS + " characters.");
      }
      builder.body(request.body());
    }
    if (request.mismatchBody() != null && !request.mismatchBody().isBlank()) {
      builder.mismatchBody(request.mismatchBody());
    }
    if (request.headers() != null && !request.headers().isEmpty()) {
      if (request.headers().size() > MAX_HEADERS) {
        throw ToolsController.invalid("at most " + MAX_HEADERS + " headers.");
      }
      builder.headers(request.headers());
    }
    int concurrency =
        request.concurrency() == null
            ? ConformanceChecker.DEFAULT_CONCURRENCY
            : request.concurrency();
    if (concurrency < 2 || concurrency > MAX_CONCURRENCY) {
      throw ToolsController.invalid(
          "concurrency must be from 2 to " + MAX_CONCURRENCY + ", was " + concurrency + ".");
    }
    builder.concurrency(concurrency);
    if (request.retention() != null && !request.retention().isBlank()) {
      builder.retention(retention(request.retention()));
    }
    if (request.profile() != null && !request.profile().isBlank()) {
      builder.profile(Profile.of(request.profile().strip()));
    }
    builder.requestTimeout(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS));

    if (!oneRun.tryAcquire()) {
      throw new Busy();
    }
    ResponseBodyEmitter emitter = new ResponseBodyEmitter(Duration.ofMinutes(15).toMillis());
    try {
      ConformanceChecker checker = builder.listener(streamTo(emitter)).build();
      runner.execute(() -> run(checker, emitter));
    } catch (RuntimeException e) {
      oneRun.release();
      throw e;
    }
    return ResponseEntity.ok().contentType(NDJSON).body(emitter);
  }

  private void run(ConformanceChecker checker, ResponseBodyEmitter emitter) {
    try {
      ConformanceReport report = checker.run();
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("type", "done");
      done.put("target", report.target().toString());
      done.put("passed", report.passed());
      done.put("passedCount", report.passedCount());
      done.put("failedCount", report.failedCount());
      done.put("report", report.toText());
      send(emitter, done);
      emitter.complete();
    } catch (TargetUnreachableException e) {
      send(emitter, Map.of("type", "error", "detail", e.getMessage()));
      emitter.complete();
    } catch (RuntimeException e) {
      // The page lost interest (the emitter is closed) or a check broke: end the stream.
      emitter.completeWithError(e);
    } finally {
      oneRun.release();
    }
  }

  private CheckListener streamTo(ResponseBodyEmitter emitter) {
    return new CheckListener() {
      @Override
      public void started(String name, String description) {
        send(emitter, Map.of("type", "started", "name", name, "description", description));
      }

      @Override
      public void finished(CheckResult result) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "result");
        line.put("name", result.name());
        line.put("description", result.description());
        line.put("passed", result.passed());
        line.put("reason", result.reason());
        line.put("elapsedMs", result.elapsed().toMillis());
        List<String> exchanges = new ArrayList<>();
        for (Exchange exchange : result.exchanges()) {
          exchanges.add(summary(exchange));
        }
        line.put("exchanges", exchanges);
        send(emitter, line);
      }
    };
  }

  private static String summary(Exchange exchange) {
    String request = exchange.request().method() + " " + exchange.request().uri().getRawPath();
    if (exchange.response() == null) {
      return request + " → " + exchange.error();
    }
    Exchange.Response response = exchange.response();
    return request
        + " → "
        + response.status()
        + (response.replayed() ? " (replayed)" : "")
        + response.header("Retry-After").map(value -> " Retry-After: " + value).orElse("");
  }

  private void send(ResponseBodyEmitter emitter, Map<String, Object> line) {
    try {
      emitter.send(json.writeValueAsString(line) + "\n", MediaType.TEXT_PLAIN);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and numbers is always JSON", e);
    } catch (IOException e) {
      // The client went away; the listener's exception ends the run.
      throw new IllegalStateException("the page closed the stream", e);
    }
  }

  private static URI target(String url) {
    if (url == null || url.isBlank()) {
      throw ToolsController.invalid(
          "url is required, e.g. http://localhost:8080/api/demo/orders?delayMs=300");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw ToolsController.invalid("url is not a valid URI: " + e.getMessage() + ".");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ToolsController.invalid("url must be an absolute http:// or https:// URL.");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ToolsController.invalid("url has no host.");
    }
    return uri;
  }

  private static Duration retention(String text) {
    Duration retention;
    try {
      retention = DurationStyle.detectAndParse(text.strip());
    } catch (IllegalArgumentException e) {
      throw ToolsController.invalid(
          "retention must be a duration such as 5s, 1500ms or PT10S, was '" + text + "'.");
    }
    if (retention.isNegative()
        || retention.isZero()
        || retention.compareTo(Duration.ofSeconds(MAX_RETENTION_SECONDS)) > 0) {
      throw ToolsController.invalid(
          "retention must be above 0 and at most "
              + MAX_RETENTION_SECONDS
              + " s (the after-expiry check waits that long).");
    }
    return retention;
  }

  @ExceptionHandler(ToolsController.InvalidParameter.class)
  ResponseEntity<ProblemDetail> invalidParameter(ToolsController.InvalidParameter e) {
    return ToolsController.problem(e.getMessage());
  }

  /** The checker's builder names what is wrong (a restricted header, an unknown profile). */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
    return ToolsController.problem(e.getMessage());
  }

  @ExceptionHandler(Busy.class)
  ResponseEntity<ProblemDetail> busy() {
    ProblemDetail busy =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.TOO_MANY_REQUESTS,
            "Another conformance run is in progress on this server; try again when it ends.");
    busy.setType(URI.create("https://idem.dev/problems/tools-check-busy"));
    busy.setTitle("Check already running");
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header("Retry-After", "5")
        .body(busy);
  }

  /** One run at a time: a second answers 429. */
  static final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Busy() {
      super("a check is running", null, false, false);
    }
  }

  @PreDestroy
  void stop() {
    runner.shutdownNow();
  }
}
