package dev.idem.jdbc.internal;

import dev.idem.IdempotencyException;
import dev.idem.spi.StoreUnavailableException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;

/** Sorts SQL failures into "the database cannot be reached now" and everything else. */
public final class SqlErrors {
  private SqlErrors() {}

  /**
   * The exception to throw for {@code e} during {@code operation}: {@link
   * StoreUnavailableException} when the database is unreachable, overloaded or the statement was
   * cut off (the answer is unknown, so the caller must not guess), otherwise an {@link
   * IdempotencyException} naming the store, since a schema or permission problem is not a reason to
   * retry.
   */
  public static RuntimeException translate(String store, String operation, SQLException e) {
    String message = store + " could not " + operation + ": " + e.getMessage();
    if (isUnavailable(e)) {
      return new StoreUnavailableException(message, e);
    }
    return new IdempotencyException(message, e);
  }

  static boolean isUnavailable(SQLException root) {
    for (Throwable t = root; t != null; t = next(t)) {
      if (t instanceof SQLTransientException // includes connection and timeout, pool exhaustion
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof SQLTimeoutException
          || t instanceof ConnectException
          || t instanceof SocketException
          || t instanceof SocketTimeoutException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // MariaDB/MySQL report a lock wait timeout as 1205 with the generic SQLState HY000;
        // waiting longer might succeed, so it is "unavailable", not a broken configuration.
        if (sql.getErrorCode() == 1205) {
          return true;
        }
        if (state.startsWith("08") // connection exception
            || state.startsWith("57P") // PostgreSQL: admin/crash shutdown, cannot connect now
            || state.equals("57014") // statement timeout / cancelled
            || state.equals("53300") // too many connections
            || state.equals("40001") // serialization failure
            || state.equals("40P01") // deadlock detected
            || state.equals("55P03") // PostgreSQL: lock_not_available (lock_timeout, NOWAIT)
            || state.equals("70100") // MariaDB: connection or query killed
            || state.equals("HYT00")
            || state.equals("HYT01")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code root} is a deadlock or serialization failure: the database rolled back the
   * statement (in auto-commit, only that statement) and running it again may succeed.
   */
  static boolean isDeadlock(SQLException root) {
    for (Throwable t = root; t != null; t = next(t)) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state) || sql.getErrorCode() == 1213) {
          return true;
        }
      }
    }
    return false;
  }

  private static @org.jspecify.annotations.Nullable Throwable next(Throwable t) {
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}
