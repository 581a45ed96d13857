package dev.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.InMemoryIdempotencyStore;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input over real HTTP: random Idempotency-Key fields (control characters, non-ASCII,
 * quotes, huge values, many fields), random bodies and methods. The filter must never answer 5xx,
 * never let an exception out, and must store nothing and run nothing for a request it refuses.
 */
class IdempotencyFilterPropertiesIT {
  private static InMemoryIdempotencyStore store;
  private static TestServer server;

  @BeforeContainer
  static void start() throws Exception {
    store = InMemoryIdempotencyStore.ofDefaults();
    server = TestServer.start(store);
  }

  @AfterContainer
  static void stop() throws Exception {
    server.close();
    assertThat(server.escaped).as("exceptions escaping the filter").isEmpty();
  }

  @Property(tries = 300)
  void hostileRequestsNeverFailTheServerAndRefusalsStoreNothing(
      @ForAll("methods") String method,
      @ForAll("paths") String path,
      @ForAll("keyFields") List<String> keyFields,
      @ForAll("bodies") byte[] body)
      throws Exception {
    int sizeBefore = store.stats().size();
    int runsBefore = server.executions.get();
    List<String> lines = new ArrayList<>();
    for (String value : keyFields) {
      lines.add("Idempotency-Key: " + value);
    }
    RawHttp.Response response = RawHttp.send(server.port(), method, path, lines, body);
    Statistics.collect(response.status());

    assertThat(response.status()).as("status for %s %s", method, path).isBetween(200, 499);
    assertThat(server.escaped).isEmpty();
    if (response.status() != 201) {
      // Refused, in progress, mismatched, or 401 (which releases the key): nothing new stored.
      assertThat(store.stats().size())
          .as("stored after %d", response.status())
          .isEqualTo(sizeBefore);
    }
    if (response.status() >= 400 && response.status() != 401) {
      assertThat(server.executions.get())
          .as("ran after %d", response.status())
          .isEqualTo(runsBefore);
    }
    List<String> contentType = response.header("Content-Type");
    if (!contentType.isEmpty() && contentType.get(0).startsWith("application/problem+json")) {
      assertThat(response.body()).startsWith("{\"type\":\"https://idem.dev/problems/");
    }
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.oneOf(
        Arbitraries.of("POST", "PATCH", "GET", "PUT", "DELETE", "OPTIONS", "post", "PoSt"),
        Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(10));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(
        // Handlers that answer 5xx themselves are left out: the property is about the filter.
        "/payments", "/small/x", "/optional/x", "/status/401", "/payments?x=1", "/all-methods/y");
  }

  @Provide
  Arbitrary<List<String>> keyFields() {
    Arbitrary<String> anyChars =
        Arbitraries.strings().withCharRange((char) 0x00, (char) 0xff).ofMaxLength(300);
    Arbitrary<String> almostValid =
        Arbitraries.strings().withChars("abcXYZ0189-_.:\" ,;=\\\t").ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> valid =
        Arbitraries.strings().withChars("abcdef0123456789-").ofMinLength(16).ofMaxLength(40);
    Arbitrary<String> quoted = valid.map(k -> "\"" + k + "\"");
    Arbitrary<String> huge =
        Arbitraries.strings().withChars("ab").ofMinLength(256).ofMaxLength(2500);
    Arbitrary<String> value = Arbitraries.oneOf(anyChars, almostValid, valid, quoted, huge);
    // At most three fields of at most 2,500 characters stay below Jetty's 8 KiB header limit, so
    // that the filter, not the container's 431, answers every request.
    return value
        .list()
        .ofMinSize(0)
        .ofMaxSize(3)
        // CR and LF would end the field line and make a different request; the server's own
        // parser answers those, and the raw client must not smuggle a second request.
        .map(list -> list.stream().map(v -> v.replace('\r', ' ').replace('\n', ' ')).toList());
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }
}
