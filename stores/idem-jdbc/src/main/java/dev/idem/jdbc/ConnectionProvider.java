package dev.idem.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Lends {@link JdbcIdempotencyStore#complete complete} the connection it writes the COMPLETED
 * record on: the caller's transactional connection, so the stored result commits or rolls back with
 * the business rows, or a connection of the store's own. Only {@code complete} uses it; {@code
 * acquire}, {@code renew} and {@code release} always take a connection of their own and commit at
 * once, since other instances must see a claim the moment it is made.
 *
 * <p>The default, {@link #threadBound()}, joins a connection bound with {@link
 * JdbcTransactions#joining}. A framework plugs in its own: Spring's would borrow with {@code
 * DataSourceUtils.getConnection(dataSource)}, report {@code
 * DataSourceUtils.isConnectionTransactional(connection, dataSource)} and give back with {@code
 * DataSourceUtils.releaseConnection}.
 *
 * <p>Implementations are thread-safe.
 */
public interface ConnectionProvider {

  /**
   * Lends a connection of {@code dataSource} for one statement.
   *
   * @throws SQLException if no connection can be had; the store reports it as unavailable
   */
  Lent borrow(DataSource dataSource) throws SQLException;

  /** A connection lent to the store for one statement; the store closes it when done. */
  interface Lent extends AutoCloseable {
    /** The connection to run the statement on. */
    Connection connection();

    /**
     * Whether the statement joins the caller's transaction: then the store neither commits nor
     * closes the connection, and the write becomes visible only when the caller commits. When false
     * the store runs the statement in auto-commit mode.
     */
    boolean joinsCallerTransaction();

    /** Gives the connection back: closes the store's own connection, leaves the caller's open. */
    @Override
    void close() throws SQLException;
  }

  /**
   * The default: the connection {@link JdbcTransactions#joining} bound on the calling thread for
   * the store's {@code DataSource}, if any; otherwise a connection of the store's own.
   */
  static ConnectionProvider threadBound() {
    return JdbcTransactions.THREAD_BOUND;
  }

  /** Never joins a caller's transaction: {@code complete} always commits on its own. */
  static ConnectionProvider ownConnection() {
    return JdbcTransactions.OWN_CONNECTION;
  }
}
