package dev.idem.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/** Where redis-server and redis-cli come from: the PATH, or the binary a Maven artifact ships. */
final class RedisBinaries {
  /** What to tell a person whose machine has neither. */
  static final String INSTALL_HINT =
      "install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),"
          + " or keep com.github.codemonstur:embedded-redis on the test class path"
          + " (it ships redis-server for Linux x86_64/arm64 and macOS),"
          + " or point IDEM_TEST_REDIS_URL at a running server";

  private static Path extracted;

  private RedisBinaries() {}

  /** The first executable {@code name} on the PATH. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The resource name of the embedded-redis binary for this OS and architecture, if it has one. */
  static Optional<String> artifactResource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    if (os.contains("linux") && x64) {
      return Optional.of("redis-server-6.2.6-v5-linux-amd64");
    }
    if (os.contains("linux") && arm64) {
      return Optional.of("redis-server-6.2.7-linux-arm64");
    }
    if (os.contains("mac") && x64) {
      return Optional.of("redis-server-6.2.6-v5-darwin-amd64");
    }
    if (os.contains("mac") && arm64) {
      return Optional.of("redis-server-6.2.6-v5-darwin-arm64");
    }
    return Optional.empty();
  }

  /**
   * The redis-server shipped in the embedded-redis jar, copied once per JVM to an executable temp
   * file.
   */
  static synchronized Optional<Path> fromMavenArtifact() {
    if (extracted != null) {
      return Optional.of(extracted);
    }
    Optional<String> resource = artifactResource();
    if (resource.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in =
        RedisBinaries.class.getClassLoader().getResourceAsStream(resource.get())) {
      if (in == null) {
        return Optional.empty();
      }
      Path dir = Files.createTempDirectory("idem-redis-bin-");
      Path binary = dir.resolve("redis-server");
      Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
      if (!binary.toFile().setExecutable(true, true)) {
        throw new IOException("cannot make " + binary + " executable");
      }
      // deleteOnExit runs in reverse order of registration: the file first, then its directory.
      dir.toFile().deleteOnExit();
      binary.toFile().deleteOnExit();
      extracted = binary;
      return Optional.of(binary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the Maven-shipped redis-server", e);
    }
  }

  static synchronized boolean isFromMavenArtifact(Path binary) {
    return binary.equals(extracted);
  }

  /** A redis-server for this mode: PATH first unless the mode asks for the Maven artifact only. */
  static Path server(RedisServerMode mode) {
    if (mode != RedisServerMode.ARTIFACT) {
      Optional<Path> installed = onPath("redis-server");
      if (installed.isPresent()) {
        return installed.get();
      }
    }
    return fromMavenArtifact()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No Redis server for the integration tests: "
                        + (mode == RedisServerMode.AUTO
                            ? "nothing answered on 127.0.0.1:6379, "
                            : RedisServerMode.VARIABLE
                                + "="
                                + mode
                                + " asks for one started here, ")
                        + (mode == RedisServerMode.ARTIFACT
                            ? "the PATH is not searched in that mode"
                            : "no redis-server is on the PATH")
                        + " and no Maven-shipped redis-server fits "
                        + System.getProperty("os.name")
                        + "/"
                        + System.getProperty("os.arch")
                        + ". To fix: "
                        + INSTALL_HINT
                        + "."));
  }
}
