package dev.idem.spring.adminapp;

import dev.idem.spring.IdemAdminScopeAccess;
import dev.idem.spring.Idempotent;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the admin endpoint tests run: a protected endpoint, and one that holds its claim
 * until the test opens a gate, to make a claim that is stuck as far as the client can tell.
 */
@SpringBootApplication
public class AdminApplication {

  /** A scope the per-operator hook refuses, whatever the properties allow. */
  public static final String LOCKED_SCOPE = "tenant:locked";

  @Bean
  IdemAdminScopeAccess noLockedTenant() {
    return (scope, operator) -> !scope.equals(LOCKED_SCOPE);
  }

  /** Payments; counts runs so tests can tell an execution from a replay. */
  @RestController
  public static class Payments {
    private final AtomicInteger runs = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile CountDownLatch started = new CountDownLatch(1);

    /** How many times a handler ran. */
    public int runs() {
      return runs.get();
    }

    /** Makes the next {@code /slow-payments} calls wait until {@link #release()}. */
    public void hold() {
      started = new CountDownLatch(1);
      gate = new CountDownLatch(1);
    }

    /** Lets held calls finish. */
    public void release() {
      gate.countDown();
    }

    /** Waits until a call held since {@link #hold()} is running. */
    public boolean awaitHeld() throws InterruptedException {
      return started.await(10, TimeUnit.SECONDS);
    }

    /** The request body. */
    public record Payment(String amount) {}

    @Idempotent
    @PostMapping("/payments")
    ResponseEntity<Map<String, Object>> pay(@RequestBody Payment payment) {
      int run = runs.incrementAndGet();
      return ResponseEntity.status(HttpStatus.CREATED)
          .body(Map.of("run", run, "amount", payment.amount()));
    }

    @Idempotent
    @PostMapping("/slow-payments")
    ResponseEntity<Map<String, Object>> slowPay(@RequestBody Payment payment)
        throws InterruptedException {
      int run = runs.incrementAndGet();
      CountDownLatch waitFor = gate;
      started.countDown();
      if (!waitFor.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the held payment");
      }
      return ResponseEntity.status(HttpStatus.CREATED)
          .body(Map.of("run", run, "amount", payment.amount()));
    }
  }
}
