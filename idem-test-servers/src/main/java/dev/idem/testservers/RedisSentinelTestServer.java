package dev.idem.testservers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Redis master, one replica of it and one Sentinel watching them, all started here on free
 * loopback ports (Sentinel tests never reuse a shared deployment: they trigger failovers). The
 * sentinel declares the master down after 1 s. Stop it with {@link #stop()}; it is stopped at JVM
 * exit at the latest.
 *
 * <p>Thread-safe.
 */
public final class RedisSentinelTestServer {
  /** The name the sentinel monitors the master under. */
  public static final String MASTER_NAME = "idem-test-master";

  private static final long READY_TIMEOUT_MILLIS = 30_000;

  private final RedisProcess master;
  private final RedisProcess replica;
  private final RedisProcess sentinel;
  private final String source;

  private RedisSentinelTestServer(
      RedisProcess master, RedisProcess replica, RedisProcess sentinel, String source) {
    this.master = master;
    this.replica = replica;
    this.sentinel = sentinel;
    this.source = source;
  }

  /**
   * Starts a master, a replica and a sentinel (installed redis-server first, else the Maven-shipped
   * one), and waits until the replica is in sync and the sentinel knows it.
   *
   * @throws IllegalStateException if no redis-server can be found or started
   */
  public static RedisSentinelTestServer start() {
    Path binary = RedisBinaries.server(RedisServerMode.current());
    RedisProcess master = RedisProcess.start(binary, List.of());
    RedisProcess replica = null;
    try {
      replica =
          RedisProcess.start(
              binary, List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
      RedisProcess sentinel = RedisProcess.startSentinel(binary, MASTER_NAME, master.port());
      RedisSentinelTestServer started =
          new RedisSentinelTestServer(
              master,
              replica,
              sentinel,
              "master on "
                  + master.port()
                  + ", replica on "
                  + replica.port()
                  + ", sentinel on "
                  + sentinel.port()
                  + " ("
                  + (RedisBinaries.isFromMavenArtifact(binary)
                      ? "the embedded-redis Maven artifact's redis-server"
                      : binary.toString())
                  + ")");
      started.awaitReady();
      return started;
    } catch (RuntimeException e) {
      master.stop();
      if (replica != null) {
        replica.stop();
      }
      throw e;
    }
  }

  private void awaitReady() {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (info(replica.port(), "replication").contains("master_link_status:up")
          && sentinelKnowsReplica()) {
        return;
      }
      RedisProcess.sleep(100);
    }
    throw new IllegalStateException("the sentinel set-up did not become ready: " + source);
  }

  private boolean sentinelKnowsReplica() {
    try (Resp resp = Resp.connect("127.0.0.1", sentinel.port(), 1_000)) {
      Object replicas = resp.command("SENTINEL", "REPLICAS", MASTER_NAME);
      return replicas instanceof List<?> list
          && list.toString().contains(Integer.toString(replica.port()));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String info(int port, String section) {
    try (Resp resp = Resp.connect("127.0.0.1", port, 1_000)) {
      return String.valueOf(resp.command("INFO", section));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * Kills the master and waits until the sentinel has promoted the replica.
   *
   * @throws IllegalStateException if no failover happens within 30 s
   */
  public void failOver() {
    master.stop();
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (info(replica.port(), "replication").contains("role:master")
          && currentMasterPort() == replica.port()) {
        return;
      }
      RedisProcess.sleep(100);
    }
    throw new IllegalStateException("the sentinel did not promote the replica: " + source);
  }

  private int currentMasterPort() {
    try (Resp resp = Resp.connect("127.0.0.1", sentinel.port(), 1_000)) {
      Object address = resp.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
      return address instanceof List<?> list && list.size() == 2
          ? Integer.parseInt(String.valueOf(list.get(1)))
          : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A Lettuce Sentinel URI, e.g. {@code redis-sentinel://127.0.0.1:26379#idem-test-master}. */
  public String uri() {
    return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER_NAME;
  }

  /** The first master's port. */
  public int masterPort() {
    return master.port();
  }

  /** The replica's port. */
  public int replicaPort() {
    return replica.port();
  }

  /** The sentinel's port. */
  public int sentinelPort() {
    return sentinel.port();
  }

  /** What was started, for test reports. */
  public String source() {
    return source;
  }

  /** Stops the sentinel, the replica and the master. Idempotent. */
  public void stop() {
    sentinel.stop();
    replica.stop();
    master.stop();
  }

  @Override
  public String toString() {
    return "RedisSentinelTestServer[" + uri() + ", " + source + "]";
  }
}
