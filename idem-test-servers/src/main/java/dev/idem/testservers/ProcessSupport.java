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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Small process and file helpers shared by the servers this package starts. */
final class ProcessSupport {
  private ProcessSupport() {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free local port", e);
    }
  }

  /** Runs a command to completion; fails with its output when it exits non-zero. */
  static void run(Path workingDir, long timeoutSeconds, List<String> command) {
    try {
      Path log = Files.createTempFile("idem-test-server", ".log");
      Process process =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "timed out after " + timeoutSeconds + "s: " + command + "\n" + read(log));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "exit " + process.exitValue() + ": " + command + "\n" + read(log));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }

  /** As root, the command prefix that drops to {@code nobody}; empty otherwise. */
  static List<String> asUnprivileged() {
    List<String> prefix = new ArrayList<>();
    if (TestServerMode.runningAsRoot()) {
      // setpriv execs in place (no intermediate process), so destroying the Process stops the
      // server itself.
      prefix.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
    }
    return prefix;
  }

  static void chownToUnprivileged(Path dir) {
    if (TestServerMode.runningAsRoot()) {
      run(dir, 60, List.of("chown", "-R", "65534:65534", dir.toString()));
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a left-over temp directory is not worth failing a test run for.
    }
  }
}
