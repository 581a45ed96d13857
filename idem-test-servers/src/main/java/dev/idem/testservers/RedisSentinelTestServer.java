package dev.idem.testservers;

import java.nio.file.Path;
import java.util.List;

/**
 * A Redis master and one Sentinel watching it, both started here on free loopback ports (Sentinel
 * tests never reuse a shared deployment: they may trigger failovers). Stop it with {@link #stop()};
 * it is stopped at JVM exit at the latest.
 *
 * <p>Thread-safe.
 */
public final class RedisSentinelTestServer {
  /** The name the sentinel monitors the master under. */
  public static final String MASTER_NAME = "idem-test-master";

  private final RedisProcess master;
  private final RedisProcess sentinel;
  private final String source;

  private RedisSentinelTestServer(RedisProcess master, RedisProcess sentinel, String source) {
    this.master = master;
    this.sentinel = sentinel;
    this.source = source;
  }

  /**
   * Starts a master and a sentinel (installed redis-server first, else the Maven-shipped one).
   *
   * @throws IllegalStateException if no redis-server can be found or started
   */
  public static RedisSentinelTestServer start() {
    Path binary = RedisBinaries.server(RedisServerMode.current());
    RedisProcess master = RedisProcess.start(binary, List.of());
    try {
      RedisProcess sentinel = RedisProcess.startSentinel(binary, MASTER_NAME, master.port());
      return new RedisSentinelTestServer(
          master,
          sentinel,
          "master on "
              + master.port()
              + " and sentinel on "
              + sentinel.port()
              + " ("
              + (RedisBinaries.isFromMavenArtifact(binary)
                  ? "the embedded-redis Maven artifact's redis-server"
                  : binary.toString())
              + ")");
    } catch (RuntimeException e) {
      master.stop();
      throw e;
    }
  }

  /** A Lettuce Sentinel URI, e.g. {@code redis-sentinel://127.0.0.1:26379#idem-test-master}. */
  public String uri() {
    return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER_NAME;
  }

  /** The master's port. */
  public int masterPort() {
    return master.port();
  }

  /** The sentinel's port. */
  public int sentinelPort() {
    return sentinel.port();
  }

  /** What was started, for test reports. */
  public String source() {
    return source;
  }

  /** Stops the sentinel and the master. Idempotent. */
  public void stop() {
    sentinel.stop();
    master.stop();
  }

  @Override
  public String toString() {
    return "RedisSentinelTestServer[" + uri() + ", " + source + "]";
  }
}
