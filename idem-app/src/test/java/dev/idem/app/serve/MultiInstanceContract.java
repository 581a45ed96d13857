package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three {@code idem serve} JVMs sharing one store: duplicates spread across instances run once, and
 * a {@code kill -9} in the middle of a request leaves the key to be retried, run once, and never
 * completed twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class MultiInstanceContract {
  static final int INSTANCES = 3;
  static final int KEYS = 2_000;
  static final int DUPLICATES = 8;
  static final int KEYS_IN_FLIGHT = 16;
  static final String LEASE = "3s";
  static final String BOOK = "{\"item\": \"book\", \"amount\": 1200}";

  final List<ServeProcess> instances = new ArrayList<>();
  Path workDirectory;

  /** The {@code --store} and {@code --set} arguments that point every instance at the store. */
  abstract List<String> storeArguments();

  /** Removes what the instances wrote, where the store can. */
  void cleanUp() throws Exception {}

  @BeforeAll
  void startInstances() throws Exception {
    workDirectory = Files.createTempDirectory("idem-multi");
    List<String> arguments = new ArrayList<>(storeArguments());
    arguments.addAll(List.of("--lease", LEASE));
    for (int i = 0; i < INSTANCES; i++) {
      instances.add(ServeProcess.launch(workDirectory, arguments.toArray(String[]::new)));
    }
    for (ServeProcess instance : instances) {
      instance.awaitListening();
    }
  }

  @AfterAll
  void stopInstances() throws Exception {
    for (ServeProcess instance : instances) {
      instance.close();
    }
    cleanUp();
  }

  static boolean replayed(HttpResponse<String> response) {
    return response.headers().firstValue("Idempotent-Replayed").isPresent();
  }

  @Test
  @Order(1)
  @DisplayName("2,000 keys x 8 concurrent duplicates across 3 instances: exactly 2,000 orders")
  void runsEachKeyOnceAcrossInstances() throws Exception {
    String tenant = "multi-" + UUID.randomUUID();
    Map<String, List<HttpResponse<String>>> responses = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(KEYS_IN_FLIGHT);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      String key = UUID.randomUUID().toString();
      int first = k % INSTANCES;
      inFlight.acquire();
      // The 8 copies of one key go out together, to every instance in turn.
      List<CompletableFuture<HttpResponse<String>>> copies =
          IntStream.range(0, DUPLICATES)
              .mapToObj(d -> instances.get((first + d) % INSTANCES))
              .map(target -> target.sendAsync(target.order(key, tenant, BOOK, "")))
              .toList();
      all.add(
          CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new))
              .whenComplete(
                  (ignored, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                      responses.put(key, copies.stream().map(CompletableFuture::join).toList());
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);

    assertThat(responses).hasSize(KEYS);
    int executions = 0;
    for (Map.Entry<String, List<HttpResponse<String>>> entry : responses.entrySet()) {
      Set<String> successBodies = new HashSet<>();
      for (HttpResponse<String> response : entry.getValue()) {
        assertThat(response.statusCode())
            .as("key %s: %s", entry.getKey(), response.body())
            .isIn(201, 409);
        if (response.statusCode() == 201) {
          successBodies.add(response.body());
          if (!replayed(response)) {
            executions++;
          }
        } else {
          assertThat(response.headers().firstValue("Retry-After")).isPresent();
        }
      }
      assertThat(successBodies).as("key %s: one order, replayed", entry.getKey()).hasSize(1);
    }
    assertThat(executions).as("responses that ran the handler").isEqualTo(KEYS);
    for (ServeProcess instance : instances) {
      assertThat(instance.count(tenant)).as("orders seen by every instance").isEqualTo(KEYS);
    }
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 mid-request: the key stays claimed until its lease ends, then runs once")
  void survivesAKilledInstance() throws Exception {
    String tenant = "killed-" + UUID.randomUUID();
    ServeProcess victim = instances.get(0);
    List<ServeProcess> survivors = instances.subList(1, INSTANCES);
    List<String> keys = IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID().toString()).toList();
    String slow = "?delayMs=4000";
    for (String key : keys) {
      victim.sendAsync(victim.order(key, tenant, BOOK, slow));
    }
    // The victim claims each key and sleeps in the handler; a survivor sees the claim.
    Thread.sleep(1_000);
    for (String key : keys) {
      HttpResponse<String> probe =
          survivors.get(0).send(survivors.get(0).order(key, tenant, BOOK, slow));
      assertThat(probe.statusCode()).as("claimed by the victim: %s", probe.body()).isEqualTo(409);
    }

    victim.kill();
    assertThat(victim.isAlive()).isFalse();

    // Nothing was stored and nobody renews the lease: retries find the key free within the lease.
    Map<String, HttpResponse<String>> executed = new ConcurrentHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<CompletableFuture<Void>> retries = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      ServeProcess survivor = survivors.get(i % survivors.size());
      retries.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  while (System.nanoTime() < deadline) {
                    HttpResponse<String> retry =
                        survivor.send(survivor.order(key, tenant, BOOK, slow));
                    if (retry.statusCode() == 201) {
                      executed.put(key, retry);
                      return;
                    }
                    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(409);
                    Thread.sleep(250);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    CompletableFuture.allOf(retries.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);

    assertThat(executed).as("every key ran after the lease ended").hasSize(keys.size());
    assertThat(executed.values()).noneMatch(MultiInstanceContract::replayed);
    assertThat(survivors.get(0).count(tenant)).as("no key completed twice").isEqualTo(keys.size());
    for (String key : keys) {
      for (ServeProcess survivor : survivors) {
        HttpResponse<String> again = survivor.send(survivor.order(key, tenant, BOOK, slow));
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(replayed(again)).isTrue();
        assertThat(again.body()).isEqualTo(executed.get(key).body());
      }
    }
  }
}
