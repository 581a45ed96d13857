package dev.idem.bench.http;

import dev.idem.spring.Idempotent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the HTTP load benchmark drives: two handlers that do the same work, one bare and
 * one {@link Idempotent}, so the difference between them is exactly what Idem costs per request.
 * Run as its own JVM by {@code idem-bench/run-http-benchmarks.sh}; the store comes from {@code
 * --idem.store.type=memory|redis} (and {@code --spring.data.redis.url=…}), the port from {@code
 * --server.port}.
 */
@SpringBootApplication
public class LoadTargetApp {

  /**
   * Defaults for a benchmark run; command-line arguments override them. Retention is short so a
   * run's keys leave Redis (shared with other work) minutes after it, not a day later.
   */
  static final Map<String, Object> DEFAULTS =
      Map.of(
          "server.port", "8089",
          "spring.main.banner-mode", "off",
          "spring.jmx.enabled", "false",
          "logging.level.root", "WARN",
          // Tomcat closes a connection after 100 requests by default; a load generator would
          // then measure reconnects, which neither endpoint is about.
          "server.tomcat.max-keep-alive-requests", "-1",
          "idem.retention", "3m");

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(LoadTargetApp.class);
    app.setDefaultProperties(DEFAULTS);
    app.run(args);
    System.out.println(
        "load target ready"); // the bench script waits for the port, this is for people
  }

  /** The request body: a small order, parsed by Jackson on both endpoints. */
  public record OrderRequest(String item, int quantity) {}

  /** The response body. */
  public record OrderCreated(long id, String item, int quantity) {}

  /** The two handlers; identical but for the annotation. */
  @RestController
  static class Orders {
    private final AtomicLong sequence = new AtomicLong();

    @PostMapping("/bare/orders")
    ResponseEntity<OrderCreated> bare(@RequestBody OrderRequest order) {
      return created(order);
    }

    @Idempotent
    @PostMapping("/protected/orders")
    ResponseEntity<OrderCreated> protectedOrders(@RequestBody OrderRequest order) {
      return created(order);
    }

    private ResponseEntity<OrderCreated> created(OrderRequest order) {
      return ResponseEntity.status(HttpStatus.CREATED)
          .body(new OrderCreated(sequence.incrementAndGet(), order.item(), order.quantity()));
    }
  }
}
