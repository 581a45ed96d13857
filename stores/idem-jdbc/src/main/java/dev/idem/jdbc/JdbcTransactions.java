package dev.idem.jdbc;

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
 * <p><b>Isolation.</b> On PostgreSQL the caller's transaction must run at READ COMMITTED (the
 * default): a REPEATABLE READ or SERIALIZABLE snapshot may predate the claim, so {@code complete}
 * refuses it with an {@link IllegalStateException} rather than lose the result. MariaDB/InnoDB
 * works at any level, its updates read the latest committed row.
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
   */
  public static <T extends @Nullable Object, E extends Exception> T joining(
      DataSource dataSource, Connection connection, Work<T, E> work) throws E {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(work, "work");
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
