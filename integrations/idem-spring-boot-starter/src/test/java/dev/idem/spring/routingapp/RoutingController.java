package dev.idem.spring.routingapp;

import dev.idem.spring.Idempotent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Counts how often each handler really ran. Annotated and plain mappings overlap on purpose: which
 * one Spring picks must decide whether, and how, a request is protected.
 */
@RestController
public class RoutingController {
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  /** How many times the handler named {@code handler} ran. */
  public int runs(String handler) {
    AtomicInteger count = runs.get(handler);
    return count == null ? 0 : count.get();
  }

  private ResponseEntity<String> ran(String handler) {
    int n = runs.computeIfAbsent(handler, h -> new AtomicInteger()).incrementAndGet();
    return ResponseEntity.status(HttpStatus.CREATED).body(handler + " #" + n);
  }

  @Idempotent
  @PostMapping("/orders")
  ResponseEntity<String> orders() {
    return ran("orders");
  }

  @Idempotent
  @PostMapping("/items/{id}")
  ResponseEntity<String> item() {
    return ran("item");
  }

  @PostMapping("/items/search")
  ResponseEntity<String> search() {
    return ran("search");
  }

  @Idempotent(keyRequired = false)
  @PostMapping("/accounts/{id}")
  ResponseEntity<String> account() {
    return ran("account");
  }

  @Idempotent
  @PostMapping("/accounts/new")
  ResponseEntity<String> newAccount() {
    return ran("new-account");
  }

  @Idempotent
  @PostMapping("/files/{name}.json")
  ResponseEntity<String> file() {
    return ran("file");
  }

  @Idempotent
  @PostMapping("/v{version}/reports")
  ResponseEntity<String> report() {
    return ran("report");
  }

  @Idempotent
  @PostMapping("/exports/*.csv")
  ResponseEntity<String> export() {
    return ran("export");
  }

  @Idempotent
  @PostMapping("/tree/{*rest}")
  ResponseEntity<String> tree() {
    return ran("tree");
  }
}
