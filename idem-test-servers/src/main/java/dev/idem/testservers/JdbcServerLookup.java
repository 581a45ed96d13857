package dev.idem.testservers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * The lookup order every SQL test server shares: the URL in its variable (which must then answer),
 * the local server, a started one; and the answer, or the failure, remembered for the JVM so every
 * later test gets it at once instead of waiting for another failed start.
 */
final class JdbcServerLookup {
  private final String urlVariable;
  private final Supplier<JdbcTestDatabase> local;
  private final Supplier<JdbcTestDatabase> start;
  private JdbcTestDatabase found;
  private RuntimeException failure;

  /**
   * @param urlVariable the environment variable holding a JDBC URL
   * @param local the local server on its standard port, or null when none answers
   * @param start starts a server, or throws naming what to install
   */
  JdbcServerLookup(
      String urlVariable, Supplier<JdbcTestDatabase> local, Supplier<JdbcTestDatabase> start) {
    this.urlVariable = urlVariable;
    this.local = local;
    this.start = start;
  }

  synchronized JdbcTestDatabase get() {
    if (failure != null) {
      throw failure;
    }
    if (found == null) {
      try {
        found = find();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return found;
  }

  private JdbcTestDatabase find() {
    if (!TestServerMode.forceStart()) {
      String url = System.getenv(urlVariable);
      if (url != null && !url.isBlank()) {
        JdbcTestDatabase configured =
            new JdbcTestDatabase(url, "", "", JdbcTestDatabase.Origin.ENVIRONMENT);
        try (Connection c = configured.connect()) {
          return configured;
        } catch (SQLException e) {
          throw new IllegalStateException(
              urlVariable + "=" + url + " is set but does not answer: " + e.getMessage(), e);
        }
      }
      JdbcTestDatabase localServer = local.get();
      if (localServer != null) {
        return localServer;
      }
    }
    return start.get();
  }
}
