package dev.idem.spring.testapp;

import dev.idem.spring.Idempotent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Counts how often each order's handler really ran, per item, so tests can tell replays apart. */
@RestController
public class OrdersController {
  private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile String lastThread = "";

  /** The request body. */
  public record Order(String item) {}

  /** How many times the handler ran for {@code item} on either endpoint. */
  public int executions(String item) {
    AtomicInteger count = executions.get(item);
    return count == null ? 0 : count.get();
  }

  /** The thread the protected handler last ran on, as {@code Thread.toString()} shows it. */
  public String lastThread() {
    return lastThread;
  }

  @Idempotent
  @PostMapping("/orders")
  ResponseEntity<Map<String, Object>> create(@RequestBody Order order) {
    lastThread = Thread.currentThread().toString();
    executions.computeIfAbsent(order.item(), i -> new AtomicInteger()).incrementAndGet();
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("id", sequence.incrementAndGet(), "item", order.item()));
  }

  /** Answers with a text body of {@code size} bytes, to probe the limits on what is stored. */
  @Idempotent
  @PostMapping("/orders/large")
  ResponseEntity<String> large(@RequestBody Order order, @RequestParam int size) {
    executions.computeIfAbsent(order.item(), i -> new AtomicInteger()).incrementAndGet();
    return ResponseEntity.status(HttpStatus.CREATED)
        .contentType(MediaType.TEXT_PLAIN)
        .body("x".repeat(size));
  }

  @PostMapping("/plain")
  Map<String, Object> plain(@RequestBody Order order) {
    executions.computeIfAbsent(order.item(), i -> new AtomicInteger()).incrementAndGet();
    return Map.of("id", sequence.incrementAndGet(), "item", order.item());
  }
}
