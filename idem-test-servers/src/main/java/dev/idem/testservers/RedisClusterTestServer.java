package dev.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A Redis Cluster for integration tests: {@code IDEM_TEST_REDIS_CLUSTER_URL} (or system property
 * {@code idem.test.redis.cluster.url}), e.g. {@code redis://127.0.0.1:7000,127.0.0.1:7001}, when
 * set; otherwise three masters started here on free loopback ports, each in cluster mode in a temp
 * directory of its own, joined with {@code redis-cli --cluster create} when redis-cli is installed
 * (else with {@code CLUSTER ADDSLOTS} and {@code CLUSTER MEET} over the wire), and stopped at JVM
 * exit.
 *
 * <p>Thread-safe.
 */
public final class RedisClusterTestServer {
  /** The variable (and, as {@code idem.test.redis.cluster.url}, the system property). */
  public static final String URL_VARIABLE = "IDEM_TEST_REDIS_CLUSTER_URL";

  private static final int MASTERS = 3;
  private static final int SLOTS = 16_384;
  private static final long FORM_TIMEOUT_MILLIS = 30_000;

  private static RedisClusterTestServer shared;

  private final List<HostPort> nodes;
  private final String source;
  private final List<RedisProcess> processes;

  private RedisClusterTestServer(
      List<HostPort> nodes, String source, List<RedisProcess> processes) {
    this.nodes = List.copyOf(nodes);
    this.source = source;
    this.processes = List.copyOf(processes);
  }

  /** One node's address. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * The cluster this JVM's tests share, found or started on first use.
   *
   * @throws IllegalStateException if it cannot be reached or formed; the message says why
   */
  public static synchronized RedisClusterTestServer shared() {
    if (shared == null) {
      RedisServerMode mode = RedisServerMode.current();
      String url = RedisServerMode.setting(URL_VARIABLE);
      shared =
          mode == RedisServerMode.AUTO && url != null && !url.isBlank()
              ? fromUrl(url.trim())
              : start(mode);
    }
    return shared;
  }

  private static RedisClusterTestServer fromUrl(String url) {
    String rest = url.startsWith("redis://") ? url.substring("redis://".length()) : null;
    if (rest == null) {
      throw new IllegalStateException(
          URL_VARIABLE + "=" + url + " must look like redis://host:port[,host:port…]");
    }
    List<HostPort> nodes = new ArrayList<>();
    for (String part : rest.replaceAll("/.*$", "").split(",")) {
      URI one = URI.create("redis://" + part.trim());
      nodes.add(new HostPort(one.getHost(), one.getPort() < 0 ? 6379 : one.getPort()));
    }
    HostPort first = nodes.get(0);
    String state = clusterState(first).orElse("no answer");
    if (!state.equals("ok")) {
      throw new IllegalStateException(
          URL_VARIABLE
              + "="
              + url
              + " is set but "
              + first
              + " reports cluster_state "
              + state
              + ". Start that cluster, or unset "
              + URL_VARIABLE
              + " to let the tests start one of their own.");
    }
    return new RedisClusterTestServer(nodes, URL_VARIABLE + "=" + url, List.of());
  }

  private static RedisClusterTestServer start(RedisServerMode mode) {
    Path binary = RedisBinaries.server(mode);
    List<RedisProcess> processes = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        processes.add(
            RedisProcess.start(
                binary,
                List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000")));
      }
      List<HostPort> nodes = new ArrayList<>();
      for (RedisProcess process : processes) {
        nodes.add(new HostPort("127.0.0.1", process.port()));
      }
      Optional<Path> redisCli =
          mode == RedisServerMode.ARTIFACT ? Optional.empty() : RedisBinaries.onPath("redis-cli");
      String how;
      if (redisCli.isPresent()) {
        createWithRedisCli(redisCli.get(), nodes);
        how = "joined by redis-cli --cluster create";
      } else {
        createByHand(nodes);
        how = "joined by CLUSTER ADDSLOTS/MEET";
      }
      awaitFormed(nodes);
      return new RedisClusterTestServer(
          nodes,
          MASTERS
              + " masters of "
              + (RedisBinaries.isFromMavenArtifact(binary)
                  ? "the embedded-redis Maven artifact's redis-server"
                  : binary.toString())
              + " on "
              + nodes
              + ", "
              + how,
          processes);
    } catch (RuntimeException e) {
      processes.forEach(RedisProcess::stop);
      throw e;
    }
  }

  private static void createWithRedisCli(Path redisCli, List<HostPort> nodes) {
    List<String> command = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
    nodes.forEach(node -> command.add(node.toString()));
    command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            "redis-cli --cluster create failed (" + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + redisCli, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void createByHand(List<HostPort> nodes) {
    try {
      for (int i = 0; i < nodes.size(); i++) {
        int from = i * SLOTS / nodes.size();
        int to = (i + 1) * SLOTS / nodes.size() - 1;
        List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
        for (int slot = from; slot <= to; slot++) {
          args.add(Integer.toString(slot));
        }
        try (Resp resp = Resp.connect(nodes.get(i).host(), nodes.get(i).port(), 2_000)) {
          resp.command(args.toArray(new String[0]));
        }
      }
      HostPort first = nodes.get(0);
      try (Resp resp = Resp.connect(first.host(), first.port(), 2_000)) {
        for (HostPort other : nodes.subList(1, nodes.size())) {
          resp.command("CLUSTER", "MEET", other.host(), Integer.toString(other.port()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot form the test cluster on " + nodes, e);
    }
  }

  private static void awaitFormed(List<HostPort> nodes) {
    long deadline = System.currentTimeMillis() + FORM_TIMEOUT_MILLIS;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      boolean allOk = true;
      StringJoiner states = new StringJoiner(", ");
      for (HostPort node : nodes) {
        String info = clusterInfo(node).orElse("");
        boolean ok =
            info.contains("cluster_state:ok")
                && info.contains("cluster_known_nodes:" + nodes.size())
                && info.contains("cluster_slots_ok:" + SLOTS);
        states.add(node + (ok ? " ok" : " not ready"));
        allOk &= ok;
      }
      if (allOk) {
        return;
      }
      last = states.toString();
      RedisProcess.sleep(100);
    }
    throw new IllegalStateException("the test cluster did not reach cluster_state:ok: " + last);
  }

  private static Optional<String> clusterState(HostPort node) {
    return clusterInfo(node)
        .flatMap(
            info ->
                info.lines()
                    .filter(line -> line.startsWith("cluster_state:"))
                    .map(line -> line.substring("cluster_state:".length()).trim())
                    .findFirst());
  }

  private static Optional<String> clusterInfo(HostPort node) {
    try (Resp resp = Resp.connect(node.host(), node.port(), 1_000)) {
      return Optional.of((String) resp.command("CLUSTER", "INFO"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The seed nodes' addresses. */
  public List<HostPort> nodes() {
    return nodes;
  }

  /** A Lettuce cluster URI listing every seed node, e.g. {@code redis://h:1,h:2,h:3}. */
  public String uri() {
    StringJoiner joined = new StringJoiner(",", "redis://", "");
    nodes.forEach(node -> joined.add(node.toString()));
    return joined.toString();
  }

  /** Where this cluster came from, for test reports. */
  public String source() {
    return source;
  }

  /** Whether this JVM started the cluster's processes. */
  public boolean isOwnProcess() {
    return !processes.isEmpty();
  }

  /**
   * Deletes every key starting with {@code prefix} on every master (SCAN + UNLINK per node), never
   * anything else.
   *
   * @return how many keys were deleted
   */
  public long deleteKeys(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete every key of a shared cluster");
    }
    long deleted = 0;
    for (HostPort master : masters()) {
      try (Resp resp = Resp.connect(master.host(), master.port(), 2_000)) {
        deleted += resp.deleteByPrefix(prefix, true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean up " + prefix + "* on " + master, e);
      }
    }
    return deleted;
  }

  /** Every master of the cluster, as CLUSTER NODES on a seed node lists them. */
  private List<HostPort> masters() {
    HostPort seed = nodes.get(0);
    try (Resp resp = Resp.connect(seed.host(), seed.port(), 2_000)) {
      String table = (String) resp.command("CLUSTER", "NODES");
      List<HostPort> masters = new ArrayList<>();
      for (String line : table.split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length > 2 && fields[2].contains("master") && !fields[2].contains("fail")) {
          String address = fields[1].split("@")[0];
          int colon = address.lastIndexOf(':');
          String host = address.substring(0, colon);
          masters.add(
              new HostPort(
                  host.isEmpty() ? seed.host() : host,
                  Integer.parseInt(address.substring(colon + 1))));
        }
      }
      return masters;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the masters of " + uri(), e);
    }
  }

  @Override
  public String toString() {
    return "RedisClusterTestServer[" + uri() + ", " + source + "]";
  }
}
