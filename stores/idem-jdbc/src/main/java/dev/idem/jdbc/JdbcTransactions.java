package dev.idem.jdbc;

import dev.idem.jdbc.internal.JoinedIsolation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Lets {@link JdbcIdempotencyStore#complete complete} join a transaction that plain JDBC code runs
 * itself, so the business rows and the stored result commit or roll back together:
 *
 * <pre>{@code
 * try (Connection tx = dataSource.getConnection()) {
 *   tx.setAutoCommit(false);
 *   try {
 *     Outcome<Receipt> outcome = JdbcTransactions.joining(dataSource, tx,
 *         () -> idempotency.execute(invocation, codec, ctx -> insertPayment(tx, request)));
 *     tx.commit();                 // payment row and stored receipt become visible together
 *   } catch (Exception e) {
 *     tx.rollback();               // neither is kept; the key is claimable when its lease ends
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <p><b>What a rollback means.</b> The claim itself was committed by {@code acquire} on its own
 * connection, so after a rollback (or a killed transaction) the record stays IN_PROGRESS under a
 * lease nobody renews: duplicates get "in progress" until the lease ends, then the next acquire
 * takes the key over and runs the operation again. That is the safe direction (the business rows
 * are gone too). To free the key at once, a caller using the store directly calls {@code
 * store.release(key, token)} after the rollback; the release runs on its own connection.
 *
 * <p><b>Isolation.</b> The claim is committed on another connection, usually after the caller's
 * transaction began, so {@code complete} must see rows committed since then. It therefore refuses
 * with an {@link IllegalStateException} (in {@code joining}, before the work runs, and again in
 * {@code complete}) a transaction whose update would read an older snapshot: on PostgreSQL above
 * READ COMMITTED (the default), on H2 above REPEATABLE READ (SNAPSHOT, SERIALIZABLE), on MariaDB at
 * REPEATABLE READ (its default) or above when {@code innodb_snapshot_isolation=ON} (the update
 * would fail with error 1020). MariaDB/InnoDB with {@code innodb_snapshot_isolation=OFF}, MySQL and
 * H2 at READ COMMITTED or REPEATABLE READ update the latest committed row and work.
 *
 * <p><b>Failures.</b> If {@code complete} fails inside the transaction it throws {@link
 * JoinedTransactionException}, never a retryable {@link dev.idem.spi.StoreUnavailableException}:
 * the database may already have rolled the transaction back (InnoDB does on a deadlock), and a
 * retry on the same connection would store the result without the business rows. Roll back.
 *
 * <p><b>Locks.</b> Until the caller commits, the COMPLETED write holds a row lock on the record: a
 * duplicate request for the same key waits for the commit (then sees the result), so keep such
 * transactions short.
 *
 * <p>Thread-safe: the binding is per thread.
 */
public final class JdbcTransactions {

  private static final ThreadLocal<@Nullable Binding> BOUND = new ThreadLocal<>();

  static final ConnectionProvider OWN_CONNECTION = JdbcTransactions::own;

  static final ConnectionProvider THREAD_BOUND =
      dataSource -> {
        Binding binding = BOUND.get();
        if (binding != null && binding.dataSource == dataSource) {
          return new Lent(binding.connection, true);
        }
        return own(dataSource);
      };

  private JdbcTransactions() {}

  /** Work run while a connection is bound. */
  @FunctionalInterface
  public interface Work<T extends @Nullable Object, E extends Exception> {
    /** Runs the work. */
    T run() throws E;
  }

  /**
   * Runs {@code work} with {@code connection} bound to this thread for {@code dataSource}: every
   * {@code complete} a {@link JdbcIdempotencyStore} on that {@code DataSource} makes on this thread
   * meanwhile runs on {@code connection}, without committing or closing it. The caller owns the
   * transaction: it turns auto-commit off before and commits or rolls back after. Calls nest; the
   * outer binding is restored afterwards.
   *
   * @param dataSource the {@code DataSource} the store was built with (compared by identity)
   * @param connection the caller's connection, in a transaction, from {@code dataSource}
   * @return what {@code work} returned
   * @throws E what {@code work} threw
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the transaction's isolation level would hide the claim from
   *     {@code complete} (see the class documentation); {@code work} is not run
   */
  public static <T extends @Nullable Object, E extends Exception> T joining(
      DataSource dataSource, Connection connection, Work<T, E> work) throws E {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(work, "work");
    // Refuse before the operation runs: finding out in complete means its rows are already
    // written and must be rolled back.
    String problem;
    try {
      problem = JoinedIsolation.problem(connection);
    } catch (SQLException e) {
      // The check is advisory here; complete makes it again on the same connection and reports
      // a failure there, inside the store's error handling.
      problem = null;
    }
    if (problem != null) {
      throw new IllegalStateException("JdbcTransactions.joining " + problem);
    }
    Binding outer = BOUND.get();
    BOUND.set(new Binding(dataSource, connection));
    try {
      return work.run();
    } finally {
      if (outer == null) {
        BOUND.remove();
      } else {
        BOUND.set(outer);
      }
    }
  }

  private static ConnectionProvider.Lent own(DataSource dataSource) throws SQLException {
    return new Lent(dataSource.getConnection(), false);
  }

  private record Binding(DataSource dataSource, Connection connection) {}

  private record Lent(Connection connection, boolean joinsCallerTransaction)
      implements ConnectionProvider.Lent {
    @Override
    public void close() throws SQLException {
      if (!joinsCallerTransaction) {
        connection.close();
      }
    }
  }
}
