package dev.idem.testservers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * A SQL database a test can use: where it is, who to log in as, and where it came from.
 *
 * @param jdbcUrl the JDBC URL, without credentials
 * @param user the user to log in as; empty when the URL carries it
 * @param password the password; empty for none (or when the URL carries it)
 * @param origin how the server was found
 */
public record JdbcTestDatabase(String jdbcUrl, String user, String password, Origin origin) {

  /** How a test server was found. */
  public enum Origin {
    /** The address in the {@code IDEM_TEST_*_URL} environment variable. */
    ENVIRONMENT,
    /** The server on the standard local port. */
    LOCAL,
    /** A server the test support started itself from a binary shipped in a Maven artifact. */
    STARTED
  }

  /** Checks its arguments. */
  public JdbcTestDatabase {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(origin, "origin");
  }

  /** Opens a plain connection (no pool); the caller closes it. */
  public Connection connect() throws SQLException {
    Properties props = new Properties();
    if (!user.isEmpty()) {
      props.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl, props);
  }

  @Override
  public String toString() {
    return jdbcUrl + " as " + user + " (" + origin + ")";
  }
}
