package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.BodyTooLargeException;
import dev.idem.Fingerprint;
import dev.idem.Fingerprinter;
import dev.idem.IdempotencyException;
import dev.idem.MalformedBodyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A fingerprinter")
class FingerprinterTest {
  private static final Map<String, List<String>> NO_HEADERS = Map.of();
  private static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"));

  private static final Fingerprinter RAW = Fingerprinter.ofDefaults();
  private static final Fingerprinter CANONICAL =
      Fingerprinter.builder().canonicalJson(true).excludeFields("/timestamp").build();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Fingerprint raw(String method, String route, String body) {
    return RAW.fingerprint(method, route, NO_HEADERS, utf8(body));
  }

  private static Fingerprint json(String body) {
    return CANONICAL.fingerprint("POST", "/payments", JSON, utf8(body));
  }

  /** The three ways of handing over a body must agree; returns the common fingerprint. */
  private static Fingerprint allForms(
      Fingerprinter fingerprinter, Map<String, List<String>> headers, byte[] body, long seed) {
    Fingerprint fromBytes = fingerprinter.fingerprint("POST", "/r", headers, body);
    Fingerprint fromStream;
    try {
      fromStream =
          fingerprinter.fingerprint("POST", "/r", headers, new SmallReads(body, new Random(seed)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Fingerprinter.Session session = fingerprinter.start("POST", "/r", headers);
    Random random = new Random(seed);
    for (int at = 0; at < body.length; ) {
      int length = Math.min(body.length - at, random.nextInt(9000));
      session.update(body, at, length);
      at += length;
    }
    Fingerprint fromSession = session.finish();
    assertThat(fromStream).isEqualTo(fromBytes);
    assertThat(fromSession).isEqualTo(fromBytes);
    return fromBytes;
  }

  @Nested
  @DisplayName("frames its input so that")
  class Framing {
    @Test
    @DisplayName("it digests exactly the documented bytes")
    void documentedLayout() throws NoSuchAlgorithmException {
      Fingerprinter fingerprinter = Fingerprinter.builder().headers("X-B", "x-a").build();
      Map<String, List<String>> headers =
          Map.of("X-A", List.of("1", "\u20ac"), "Other", List.of("z"));

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(utf8("idem-fp-v1\0"));
      lengthPrefixed(expected, "POST");
      lengthPrefixed(expected, "/pay?x=1");
      expected.writeBytes(ByteBuffer.allocate(4).putInt(2).array());
      lengthPrefixed(expected, "x-a");
      expected.writeBytes(ByteBuffer.allocate(4).putInt(2).array());
      lengthPrefixed(expected, "1");
      lengthPrefixed(expected, "\u20ac");
      lengthPrefixed(expected, "x-b");
      expected.writeBytes(ByteBuffer.allocate(4).putInt(0).array());
      expected.write(0); // raw body
      expected.writeBytes(utf8("body"));

      assertThat(fingerprinter.fingerprint("post", "/pay?x=1", headers, utf8("body")))
          .isEqualTo(
              Fingerprint.ofDigest(
                  MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())));
    }

    private void lengthPrefixed(ByteArrayOutputStream out, String s) {
      byte[] bytes = utf8(s);
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }

    @Test
    @DisplayName("moving bytes between route and body changes the fingerprint")
    void routeAndBody() {
      assertThat(raw("POST", "/a", "b")).isNotEqualTo(raw("POST", "/ab", ""));
      assertThat(raw("POST", "/ab", "")).isNotEqualTo(raw("POST", "/", "ab"));
    }

    @Test
    @DisplayName("moving bytes between method and route changes the fingerprint")
    void methodAndRoute() {
      assertThat(raw("PO", "ST/x", "")).isNotEqualTo(raw("POST", "/x", ""));
    }

    @Test
    @DisplayName("splitting or moving header values changes the fingerprint")
    void headerValues() {
      Fingerprinter fingerprinter = Fingerprinter.builder().headers("A", "B").build();
      List<Map<String, List<String>>> requests =
          List.of(
              Map.of(),
              Map.of("A", List.of("")),
              Map.of("A", List.of("", "")),
              Map.of("A", List.of("x,y")),
              Map.of("A", List.of("x", "y")),
              Map.of("A", List.of("y", "x")),
              Map.of("A", List.of("xy")),
              Map.of("B", List.of("xy")),
              Map.of("A", List.of("x"), "B", List.of("y")),
              Map.of("A", List.of("y"), "B", List.of("x")));
      long distinct =
          requests.stream()
              .map(headers -> fingerprinter.fingerprint("POST", "/", headers, new byte[0]))
              .distinct()
              .count();
      assertThat(distinct).isEqualTo(requests.size());
    }

    @Test
    @DisplayName("a lone surrogate frames differently from the '?' UTF-8 encoders put instead")
    void loneSurrogates() {
      assertThat(raw("POST", "/\ud800", "")).isNotEqualTo(raw("POST", "/?", ""));
    }

    @Test
    @DisplayName("a route differs from another in case or query")
    void routeIsExact() {
      assertThat(raw("POST", "/A", "")).isNotEqualTo(raw("POST", "/a", ""));
      assertThat(raw("POST", "/a?x=1", "")).isNotEqualTo(raw("POST", "/a", ""));
    }

    @Test
    @DisplayName("the method matches in any case but differs from another method")
    void methodCase() {
      assertThat(raw("post", "/a", "b")).isEqualTo(raw("POST", "/a", "b"));
      assertThat(raw("PUT", "/a", "b")).isNotEqualTo(raw("POST", "/a", "b"));
    }

    @Test
    @DisplayName("the body changes the fingerprint, byte for byte, in raw mode")
    void rawBody() {
      assertThat(raw("POST", "/", "{\"a\":1}")).isNotEqualTo(raw("POST", "/", "{\"a\": 1}"));
      assertThat(raw("POST", "/", "{\"a\":1}")).isEqualTo(raw("POST", "/", "{\"a\":1}"));
    }
  }

  @Nested
  @DisplayName("selects headers so that")
  class Headers {
    private final Fingerprinter fingerprinter =
        Fingerprinter.builder().headers("Content-Type", "X-Tenant").build();

    private Fingerprint with(Map<String, List<String>> headers) {
      return fingerprinter.fingerprint("POST", "/", headers, new byte[0]);
    }

    @Test
    @DisplayName("names match in any case, in the configuration and in the request")
    void caseInsensitive() {
      assertThat(Fingerprinter.builder().headers("CONTENT-type").build().headers())
          .containsExactly("content-type");
      assertThat(with(Map.of("content-type", List.of("text/plain"))))
          .isEqualTo(with(Map.of("CONTENT-TYPE", List.of("text/plain"))))
          .isNotEqualTo(with(Map.of("content-type", List.of("text/html"))));
    }

    @Test
    @DisplayName("headers that are not selected do not count")
    void unselectedIgnored() {
      assertThat(with(Map.of("X-Request-Id", List.of("1"), "X-Tenant", List.of("t"))))
          .isEqualTo(with(Map.of("X-Request-Id", List.of("2"), "X-Tenant", List.of("t"))))
          .isNotEqualTo(with(Map.of("X-Request-Id", List.of("1"), "X-Tenant", List.of("u"))));
    }

    @Test
    @DisplayName("a name given twice is selected once")
    void duplicatesCollapse() {
      assertThat(Fingerprinter.builder().headers("X-A", "x-a", "X-A").build().headers())
          .containsExactly("x-a");
    }

    @Test
    @DisplayName("one name under several spellings counts with all its values, in a fixed order")
    void severalSpellings() {
      Map<String, List<String>> first = new LinkedHashMap<>();
      first.put("x-tenant", List.of("b"));
      first.put("X-Tenant", List.of("a"));
      Map<String, List<String>> second = new LinkedHashMap<>();
      second.put("X-Tenant", List.of("a"));
      second.put("x-tenant", List.of("b"));
      assertThat(with(first)).isEqualTo(with(second));
      // "X-Tenant" sorts before "x-tenant", so the values join as [a, b].
      assertThat(with(first)).isEqualTo(with(Map.of("X-TENANT", List.of("a", "b"))));
    }

    @Test
    @DisplayName("an entry with a null name, like HttpURLConnection's status line, is ignored")
    void nullName() {
      Map<String, List<String>> headers = new HashMap<>();
      headers.put(null, List.of("HTTP/1.1 200 OK"));
      headers.put("X-Tenant", List.of("t"));
      assertThat(with(headers)).isEqualTo(with(Map.of("X-Tenant", List.of("t"))));
    }
  }

  @Nested
  @DisplayName("hands over the body")
  class Forms {
    @ParameterizedTest(name = "[{index}] {0} bytes")
    @DisplayName("as bytes, as a stream or in pieces, with the same raw fingerprint")
    @ValueSource(ints = {0, 1, 8191, 8192, 8193, 100_000})
    void rawForms(int size) {
      byte[] body = new byte[size];
      new Random(size).nextBytes(body);
      Fingerprint fingerprint = allForms(RAW, NO_HEADERS, body, size);
      body = Arrays.copyOf(body, size + 1);
      assertThat(allForms(RAW, NO_HEADERS, body, size)).isNotEqualTo(fingerprint);
    }

    @ParameterizedTest(name = "[{index}] {0} elements")
    @DisplayName("as bytes, as a stream or in pieces, with the same canonical fingerprint")
    @ValueSource(ints = {0, 1, 3000, 30_000})
    void canonicalForms(int elements) {
      StringBuilder items = new StringBuilder("[");
      for (int i = 0; i < elements; i++) {
        items
            .append(i == 0 ? "" : ", ")
            .append("{\"n\": ")
            .append(i)
            .append(", \"s\": \"\u20ac\"}");
      }
      items.append("]");
      String json = "{\"timestamp\": 1, \"items\": " + items + "}";
      String reordered = "{\"items\":" + items + ",\"timestamp\":2}";
      Fingerprint fingerprint = allForms(CANONICAL, JSON, utf8(json), elements);
      assertThat(allForms(CANONICAL, JSON, utf8(reordered), elements)).isEqualTo(fingerprint);
    }

    @Test
    @DisplayName("one fingerprinter serves many threads at once with the same answers")
    void sharedBetweenThreads() throws Exception {
      byte[] body =
          utf8("{\"timestamp\": 3, \"items\": [1, 2.5, \"\u20ac\"], \"b\": {\"c\": null}}");
      Fingerprint expected = CANONICAL.fingerprint("POST", "/r", JSON, body);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Fingerprint>> results = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          long seed = i;
          results.add(pool.submit(() -> allForms(CANONICAL, JSON, body, seed)));
        }
        for (Future<Fingerprint> result : results) {
          assertThat(result.get()).isEqualTo(expected);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("a stream is read to its end and not closed")
    void streamNotClosed() throws IOException {
      boolean[] closed = {false};
      InputStream in =
          new ByteArrayInputStream(utf8("{\"a\":1}")) {
            @Override
            public void close() {
              closed[0] = true;
            }
          };
      CANONICAL.fingerprint("POST", "/", JSON, in);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(closed[0]).isFalse();
    }

    @Test
    @DisplayName("a session is spent after finish")
    void sessionSpent() {
      Fingerprinter.Session session = RAW.start("POST", "/", NO_HEADERS);
      session.update(new byte[] {1}, 0, 1);
      session.finish();
      assertThatThrownBy(session::finish).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> session.update(new byte[1], 0, 1))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a session checks the range it is given")
    void sessionRange() {
      Fingerprinter.Session session = RAW.start("POST", "/", NO_HEADERS);
      assertThatThrownBy(() -> session.update(new byte[4], 3, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThat(session.update(new byte[4], 1, 2).finish())
          .isEqualTo(RAW.fingerprint("POST", "/", NO_HEADERS, new byte[2]));
    }
  }

  @Nested
  @DisplayName("limits the body so that")
  class Limits {
    private final Fingerprinter raw = Fingerprinter.builder().maxBodyBytes(10).build();
    private final Fingerprinter canonical =
        Fingerprinter.builder().maxBodyBytes(10).canonicalJson(true).build();

    @Test
    @DisplayName("a body exactly at the limit is fingerprinted in every form")
    void atTheLimit() {
      assertThat(allForms(raw, NO_HEADERS, new byte[10], 1)).isNotNull();
      assertThat(allForms(canonical, JSON, utf8("[1,2,3,4 ]"), 1))
          .isEqualTo(canonical.fingerprint("POST", "/r", JSON, utf8("[1,2,3,4]")));
    }

    @ParameterizedTest(name = "[{index}] canonical={0}")
    @DisplayName("a body one byte over the limit is refused in every form, naming the limit")
    @ValueSource(booleans = {false, true})
    void overTheLimit(boolean json) {
      Fingerprinter fingerprinter = json ? canonical : raw;
      byte[] body = utf8("[1,2,3,4]  ");
      assertThatThrownBy(() -> fingerprinter.fingerprint("POST", "/", JSON, body))
          .isInstanceOfSatisfying(
              BodyTooLargeException.class,
              e -> {
                assertThat(e.limit()).isEqualTo(10);
                assertThat(e).hasMessageContaining("10-byte limit");
              });
      assertThatThrownBy(
              () -> fingerprinter.fingerprint("POST", "/", JSON, new ByteArrayInputStream(body)))
          .isInstanceOf(BodyTooLargeException.class);
      Fingerprinter.Session session = fingerprinter.start("POST", "/", JSON);
      session.update(body, 0, 10);
      assertThatThrownBy(() -> session.update(body, 10, 1))
          .isInstanceOf(BodyTooLargeException.class);
      assertThatThrownBy(session::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("an endless stream is refused without reading far past the limit")
    void endlessStream() {
      Fingerprinter fingerprinter = Fingerprinter.ofDefaults();
      InputStream endless =
          new InputStream() {
            @Override
            public int read() {
              return 'x';
            }
          };
      assertThatThrownBy(() -> fingerprinter.fingerprint("POST", "/", NO_HEADERS, endless))
          .isInstanceOf(BodyTooLargeException.class)
          .isInstanceOf(IdempotencyException.class);
    }
  }

  @Nested
  @DisplayName("with canonical JSON")
  class CanonicalJson {
    @Test
    @DisplayName("matches re-serialised bodies and differs on a changed value")
    void reserialised() {
      assertThat(json("{\"amount\": 1.50, \"currency\": \"EUR\"}"))
          .isEqualTo(json("{\"currency\":\"\\u0045UR\",\"amount\":15e-1}"))
          .isNotEqualTo(json("{\"amount\": 1.51, \"currency\": \"EUR\"}"));
    }

    @Test
    @DisplayName("ignores excluded fields but not their neighbours")
    void excluded() {
      assertThat(json("{\"amount\": 1, \"timestamp\": \"2026-01-01T00:00:00Z\"}"))
          .isEqualTo(json("{\"amount\": 1, \"timestamp\": \"2026-01-01T00:00:01Z\"}"))
          .isEqualTo(json("{\"amount\": 1}"))
          .isNotEqualTo(json("{\"amount\": 2, \"timestamp\": \"2026-01-01T00:00:00Z\"}"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("refuses a body that is not JSON in every form, with the offset")
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":", "not json", "[1e999999]", " "})
    void malformed(String body) {
      assertThatThrownBy(() -> json(body))
          .isInstanceOfSatisfying(
              MalformedBodyException.class, e -> assertThat(e.offset()).isNotNegative())
          .isInstanceOf(IdempotencyException.class);
      assertThatThrownBy(
              () -> CANONICAL.fingerprint("POST", "/", JSON, new ByteArrayInputStream(utf8(body))))
          .isInstanceOf(MalformedBodyException.class);
      Fingerprinter.Session session = CANONICAL.start("POST", "/", JSON);
      session.update(utf8(body), 0, utf8(body).length);
      assertThatThrownBy(session::finish).isInstanceOf(MalformedBodyException.class);
    }

    @Test
    @DisplayName("fingerprints an empty body as the raw mode does")
    void emptyBody() {
      assertThat(CANONICAL.fingerprint("POST", "/", JSON, new byte[0]))
          .isEqualTo(RAW.fingerprint("POST", "/", JSON, new byte[0]));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("canonicalises bodies declared as JSON, or not declared at all")
    @ValueSource(
        strings = {
          "application/json",
          "Application/JSON; charset=utf-8",
          "application/problem+json",
          "application/merge-patch+json ; x=y",
          "-"
        })
    void jsonContentTypes(String contentType) {
      Map<String, List<String>> headers =
          contentType.equals("-") ? NO_HEADERS : Map.of("content-TYPE", List.of(contentType));
      assertThat(CANONICAL.fingerprint("POST", "/", headers, utf8("{\"b\":1, \"a\":2}")))
          .isEqualTo(CANONICAL.fingerprint("POST", "/", headers, utf8("{\"a\":2,\"b\":1}")));
      assertThatThrownBy(() -> CANONICAL.fingerprint("POST", "/", headers, utf8("{")))
          .isInstanceOf(MalformedBodyException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("digests bodies declared as something else raw, and apart from canonical ones")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "+json", "", "json"})
    void otherContentTypes(String contentType) {
      Map<String, List<String>> headers = Map.of("Content-Type", List.of(contentType));
      assertThat(CANONICAL.fingerprint("POST", "/", headers, utf8("a=1&b=2")))
          .isEqualTo(RAW.fingerprint("POST", "/", headers, utf8("a=1&b=2")));
      assertThat(CANONICAL.fingerprint("POST", "/", headers, utf8("{\"a\":1}")))
          .isNotEqualTo(CANONICAL.fingerprint("POST", "/", headers, utf8("{ \"a\":1}")))
          .isNotEqualTo(CANONICAL.fingerprint("POST", "/", JSON, utf8("{\"a\":1}")));
    }

    @Test
    @DisplayName("treats several Content-Type values as JSON only when all of them are")
    void severalContentTypes() {
      Map<String, List<String>> mixed =
          Map.of("Content-Type", List.of("application/json", "text/plain"));
      assertThat(CANONICAL.fingerprint("POST", "/", mixed, utf8("not json")))
          .isEqualTo(RAW.fingerprint("POST", "/", mixed, utf8("not json")));
    }
  }

  @Nested
  @DisplayName("is configured by its builder so that")
  class Building {
    @Test
    @DisplayName("the defaults are no headers, raw bodies and a 1 MiB limit")
    void defaults() {
      Fingerprinter defaults = Fingerprinter.ofDefaults();
      assertThat(defaults.headers()).isEmpty();
      assertThat(defaults.canonicalJson()).isFalse();
      assertThat(defaults.excludedFields()).isEmpty();
      assertThat(defaults.maxBodyBytes())
          .isEqualTo(1024 * 1024)
          .isEqualTo(Fingerprinter.DEFAULT_MAX_BODY_BYTES);
      assertThat(Fingerprinter.builder().build().toString()).isEqualTo(defaults.toString());
    }

    @Test
    @DisplayName("each option can be set once")
    void once() {
      Fingerprinter.Builder builder =
          Fingerprinter.builder()
              .headers("a")
              .canonicalJson(true)
              .excludeFields("/a")
              .maxBodyBytes(5);
      assertThatThrownBy(() -> builder.headers("b")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> builder.canonicalJson(false))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> builder.excludeFields("/b"))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> builder.maxBodyBytes(6)).isInstanceOf(IllegalStateException.class);
      assertThat(builder.build().excludedFields()).containsExactly("/a");
    }

    @Test
    @DisplayName("build lists every problem at once")
    void allProblems() {
      assertThatThrownBy(
              () ->
                  Fingerprinter.builder()
                      .headers("Content Type", "", "ok")
                      .excludeFields("timestamp", "/a~2", "/fine")
                      .maxBodyBytes(0)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("6 problems")
          .hasMessageContaining("\"Content Type\" is not a header name")
          .hasMessageContaining("\"\" is not a header name")
          .hasMessageContaining("excludeFields needs canonicalJson(true)")
          .hasMessageContaining("\"timestamp\" is not a JSON Pointer")
          .hasMessageContaining("\"/a~2\" is not a JSON Pointer")
          .hasMessageContaining("maxBodyBytes must be positive, was 0");
    }

    @Test
    @DisplayName("canonical JSON refuses a limit no byte array can hold")
    void canonicalLimit() {
      assertThatThrownBy(
              () ->
                  Fingerprinter.builder().canonicalJson(true).maxBodyBytes(Long.MAX_VALUE).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxBodyBytes must be at most");
      assertThat(Fingerprinter.builder().maxBodyBytes(Long.MAX_VALUE).build().maxBodyBytes())
          .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("excluding the whole body is refused")
    void wholeBody() {
      assertThatThrownBy(
              () -> Fingerprinter.builder().canonicalJson(true).excludeFields("").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("whole body");
    }

    @Test
    @DisplayName("nulls are refused at the entry points, naming the argument")
    void nulls() {
      assertThatThrownBy(() -> Fingerprinter.builder().headers((String[]) null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("names");
      assertThatThrownBy(() -> Fingerprinter.builder().headers("a", null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("names");
      assertThatThrownBy(() -> Fingerprinter.builder().excludeFields("/a", null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("jsonPointers");
      assertThatThrownBy(
              () ->
                  Fingerprinter.builder()
                      .headers("X")
                      .build()
                      .fingerprint("POST", "/", Map.of("X", Arrays.asList("a", null)), new byte[0]))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("headers");
      assertThatThrownBy(() -> RAW.fingerprint(null, "/", NO_HEADERS, new byte[0]))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("method");
      assertThatThrownBy(() -> RAW.fingerprint("POST", null, NO_HEADERS, new byte[0]))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("route");
      assertThatThrownBy(() -> RAW.fingerprint("POST", "/", null, new byte[0]))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("headers");
      assertThatThrownBy(() -> RAW.fingerprint("POST", "/", NO_HEADERS, (byte[]) null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("body");
      assertThatThrownBy(() -> RAW.fingerprint("POST", "/", NO_HEADERS, (InputStream) null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("body");
    }
  }

  /** Hands out the body in reads of random size, as a network stream does. */
  static final class SmallReads extends FilterInputStream {
    private final Random random;

    SmallReads(byte[] body, Random random) {
      super(new ByteArrayInputStream(body));
      this.random = random;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1 + random.nextInt(3000)));
    }
  }
}
