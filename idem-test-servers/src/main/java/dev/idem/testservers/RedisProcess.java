package dev.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One redis-server process this JVM started, on a free loopback port in a temp directory of its
 * own. It is stopped and its directory deleted at JVM exit at the latest.
 */
final class RedisProcess {
  private static final long START_TIMEOUT_MILLIS = 15_000;

  private final Path binary;
  private final int port;
  private final Path dir;
  private final Process process;

  private RedisProcess(Path binary, int port, Path dir, Process process) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /**
   * Starts redis-server with persistence off and waits until it answers PING.
   *
   * @param extraArgs further {@code --option value} arguments (cluster mode, sentinel …)
   */
  static RedisProcess start(Path binary, List<String> extraArgs) {
    IllegalStateException last = null;
    // A free port can be taken between our probe and the server's bind; try a few.
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        return startOn(binary, port, extraArgs);
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  static RedisProcess startOn(Path binary, int port, List<String> extraArgs) {
    return startOn(binary, port, null, extraArgs);
  }

  /**
   * Starts {@code redis-server <config file> --sentinel} monitoring {@code masterName} at
   * 127.0.0.1:{@code masterPort}; a sentinel needs a config file it can rewrite.
   */
  static RedisProcess startSentinel(Path binary, String masterName, int masterPort) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      String config =
          "sentinel monitor "
              + masterName
              + " 127.0.0.1 "
              + masterPort
              + " 1\n"
              + "sentinel down-after-milliseconds "
              + masterName
              + " 1000\n"
              + "sentinel failover-timeout "
              + masterName
              + " 5000\n";
      try {
        return startOn(binary, port, config, List.of("--sentinel"));
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  private static RedisProcess startOn(
      Path binary, int port, String configText, List<String> extraArgs) {
    Path dir;
    try {
      dir = Files.createTempDirectory("idem-redis-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    if (configText != null) {
      Path config = dir.resolve("redis.conf");
      try {
        Files.writeString(config, configText, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      command.add(config.toString());
    }
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--dir", dir.toString(),
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            "--loglevel", "warning"));
    command.addAll(extraArgs);
    Path log = dir.resolve("redis.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    RedisProcess started = new RedisProcess(binary, port, dir, process);
    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-redis-" + port));
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        started.stop();
        throw new IllegalStateException(
            "redis-server exited with "
                + process.exitValue()
                + " on port "
                + port
                + ": "
                + started.logTail(log));
      }
      if (Resp.answersPing("127.0.0.1", port, 200)) {
        return started;
      }
      sleep(50);
    }
    String tail = started.logTail(log);
    started.stop();
    throw new IllegalStateException(
        "redis-server did not answer PING on port " + port + " within 15 s: " + tail);
  }

  int port() {
    return port;
  }

  Path binary() {
    return binary;
  }

  Path dir() {
    return dir;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the process (SIGTERM, then SIGKILL) and deletes its directory. Idempotent. */
  void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteRecursively(dir);
  }

  private String logTail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() {
    // Cluster nodes also bind port + 10000 for the bus, so stay below 55536.
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        int port = socket.getLocalPort();
        if (port + 10_000 <= 65_535 && isFree(port + 10_000)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port pair (port, port + 10000) found");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Leftovers in the temp directory are harmless.
    }
  }
}
