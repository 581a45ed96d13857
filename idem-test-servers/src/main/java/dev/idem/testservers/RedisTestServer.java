package dev.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A standalone Redis server for integration tests, found in this order:
 *
 * <ol>
 *   <li>{@code IDEM_TEST_REDIS_URL} (or system property {@code idem.test.redis.url}), e.g. {@code
 *       redis://127.0.0.1:6380/0}; if set it must answer, or the test fails;
 *   <li>the server on 127.0.0.1:6379, if it answers PING;
 *   <li>a redis-server started here on a free port: the one on the PATH, else the binary the {@code
 *       com.github.codemonstur:embedded-redis} artifact ships;
 *   <li>otherwise an {@link IllegalStateException} that says what to install.
 * </ol>
 *
 * <p>{@code IDEM_TEST_SERVERS=start} skips the first two steps, {@code =artifact} also skips the
 * PATH (see {@link RedisServerMode}). A server that is not ours is shared with other people: tests
 * work under a key prefix of their own from {@link #newKeyPrefix()} and remove those keys with
 * {@link #deleteKeys}; nothing here ever flushes a database.
 *
 * <p>Thread-safe.
 */
public final class RedisTestServer {
  /** The variable (and, as {@code idem.test.redis.url}, the system property) with the address. */
  public static final String URL_VARIABLE = "IDEM_TEST_REDIS_URL";

  /** Where Redis listens by default. */
  public static final int STANDARD_PORT = 6379;

  private static RedisTestServer shared;

  private final String host;
  private final int port;
  private final String uri;
  private final String source;
  private volatile RedisProcess process;

  private RedisTestServer(String host, int port, String uri, String source, RedisProcess process) {
    this.host = host;
    this.port = port;
    this.uri = uri;
    this.source = source;
    this.process = process;
  }

  /**
   * The server this JVM's tests share, found (or started) on first use.
   *
   * @throws IllegalStateException if none can be found or started; the message says what to do
   */
  public static synchronized RedisTestServer shared() {
    if (shared == null) {
      shared = find(RedisServerMode.current());
    }
    return shared;
  }

  /**
   * Looks the server up afresh, as {@link #shared()} did the first time, without caching it: for
   * tests of the lookup itself. A server it starts is stopped at JVM exit.
   *
   * @throws IllegalStateException if none can be found or started; the message says what to do
   */
  public static RedisTestServer lookup() {
    return find(RedisServerMode.current());
  }

  private static RedisTestServer find(RedisServerMode mode) {
    if (mode == RedisServerMode.AUTO) {
      String url = RedisServerMode.setting(URL_VARIABLE);
      if (url != null && !url.isBlank()) {
        return fromUrl(url.trim());
      }
      if (Resp.answersPing("127.0.0.1", STANDARD_PORT, 500)) {
        return new RedisTestServer(
            "127.0.0.1",
            STANDARD_PORT,
            "redis://127.0.0.1:" + STANDARD_PORT,
            "the local server on port " + STANDARD_PORT,
            null);
      }
    }
    return start(mode);
  }

  /**
   * A new redis-server process of this test's own (the installed one, else the Maven-shipped one),
   * for tests that must stop, restart or reconfigure a server: never do that to {@link #shared()}.
   * Stop it with {@link #stop()}; it is stopped at JVM exit at the latest.
   *
   * @throws IllegalStateException if no redis-server can be found or started
   */
  public static RedisTestServer start() {
    return start(RedisServerMode.current());
  }

  /**
   * Like {@link #start()} but always from the binary shipped in the embedded-redis Maven artifact,
   * so every test run proves that a machine with no Redis installed can still run the suite.
   *
   * @throws IllegalStateException if the artifact has no binary for this platform
   */
  public static RedisTestServer startFromMavenArtifact() {
    return start(RedisServerMode.ARTIFACT);
  }

  private static RedisTestServer start(RedisServerMode mode) {
    Path binary = RedisBinaries.server(mode);
    RedisProcess process = RedisProcess.start(binary, List.of());
    String source =
        RedisBinaries.isFromMavenArtifact(binary)
            ? "redis-server from the embedded-redis Maven artifact"
            : "redis-server from " + binary;
    return new RedisTestServer(
        "127.0.0.1",
        process.port(),
        "redis://127.0.0.1:" + process.port(),
        source + ", started on port " + process.port(),
        process);
  }

  private static RedisTestServer fromUrl(String url) {
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(URL_VARIABLE + "=" + url + " is not a URI", e);
    }
    if (!"redis".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw new IllegalStateException(
          URL_VARIABLE + "=" + url + " must look like redis://host:port (TLS is not supported)");
    }
    int port = parsed.getPort() < 0 ? STANDARD_PORT : parsed.getPort();
    if (!answers(parsed.getHost(), port, password(url))) {
      throw new IllegalStateException(
          URL_VARIABLE
              + "="
              + url
              + " is set but no Redis answers PING there. Start that server, or unset "
              + URL_VARIABLE
              + " to use 127.0.0.1:6379 or a server the tests start themselves.");
    }
    return new RedisTestServer(parsed.getHost(), port, url, URL_VARIABLE + "=" + url, null);
  }

  /** The host to connect to. */
  public String host() {
    return host;
  }

  /** The port to connect to. */
  public int port() {
    return port;
  }

  /** A Lettuce-style URI, e.g. {@code redis://127.0.0.1:6379}. */
  public String uri() {
    return uri;
  }

  /** Where this server came from, for test reports. */
  public String source() {
    return source;
  }

  /** Whether this JVM started the server process (and so may stop or reconfigure it). */
  public boolean isOwnProcess() {
    return process != null;
  }

  /** Whether the process this JVM started is still running; false for servers not ours. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** A key prefix no other test run uses, e.g. {@code idem-test:1f0c…:}. */
  public static String newKeyPrefix() {
    return "idem-test:" + UUID.randomUUID() + ":";
  }

  /**
   * Deletes every key that starts with {@code prefix} (SCAN + UNLINK), never anything else.
   *
   * @return how many keys were deleted
   * @throws IllegalArgumentException if {@code prefix} is empty: that would be everything
   */
  public long deleteKeys(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete every key of a shared server");
    }
    try (Resp resp = Resp.connect(host, port, 2_000)) {
      String password = password(uri);
      if (password != null) {
        resp.command("AUTH", password);
      }
      selectDatabase(resp);
      return resp.deleteByPrefix(prefix, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + prefix + "* on " + uri, e);
    }
  }

  private static boolean answers(String host, int port, String password) {
    try (Resp resp = Resp.connect(host, port, 2_000)) {
      if (password != null) {
        resp.command("AUTH", password);
      }
      return "PONG".equals(resp.command("PING"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The password in {@code redis://[user]:password@host}, or null. */
  private static String password(String url) {
    String userInfo = URI.create(url).getUserInfo();
    if (userInfo == null) {
      return null;
    }
    int colon = userInfo.indexOf(':');
    return colon < 0 ? userInfo : userInfo.substring(colon + 1);
  }

  private void selectDatabase(Resp resp) throws IOException {
    String path = URI.create(uri).getPath();
    if (path != null && path.length() > 1) {
      resp.command("SELECT", path.substring(1));
    }
  }

  /**
   * Stops a server this JVM started.
   *
   * @throws IllegalStateException if the server is not ours: shared servers are never stopped
   */
  public synchronized void stop() {
    RedisProcess current = process;
    if (current == null) {
      throw new IllegalStateException("not stopping " + source + ": it is not ours");
    }
    current.stop();
  }

  /**
   * Stops a server this JVM started and starts a fresh one on the same port, with no data (the test
   * servers run without persistence): what a Redis without AOF looks like after a restart.
   *
   * @throws IllegalStateException if the server is not ours, or cannot be started again
   */
  public synchronized void restart() {
    RedisProcess current = process;
    if (current == null) {
      throw new IllegalStateException("not restarting " + source + ": it is not ours");
    }
    current.stop();
    process = RedisProcess.startOn(current.binary(), port, List.of());
  }

  @Override
  public String toString() {
    return "RedisTestServer[" + uri + ", " + source + "]";
  }
}
