package dev.idem.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether {@code complete} can work inside a caller's transaction at its isolation level. The claim
 * is committed by {@code acquire} on another connection, usually after the caller's transaction
 * began: where the fenced UPDATE reads the transaction's snapshot, the claim is invisible to it and
 * the result would be lost (LEASE_LOST, or a write conflict) while the business rows commit.
 */
public final class JoinedIsolation {
  private JoinedIsolation() {}

  /**
   * Why {@code c}'s transaction cannot be joined, or null when it can; the dialect is read from the
   * connection's metadata, and an unknown product is let through ({@code complete} checks again).
   */
  public static @Nullable String problem(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return problem(c, Statements.InsertStyle.ON_CONFLICT_DO_NOTHING);
    }
    if (name.contains("mariadb") || name.contains("mysql")) {
      return problem(c, Statements.InsertStyle.INSERT_IGNORE);
    }
    if (name.equals("h2")) {
      return problem(c, Statements.InsertStyle.PLAIN_INSERT_DUPLICATE_IS_23505);
    }
    return null;
  }

  static @Nullable String problem(Connection c, Statements.InsertStyle dialect)
      throws SQLException {
    int level = c.getTransactionIsolation();
    switch (dialect) {
      case ON_CONFLICT_DO_NOTHING:
        // PostgreSQL's REPEATABLE READ and SERIALIZABLE update against the snapshot.
        if (level > Connection.TRANSACTION_READ_COMMITTED) {
          return "cannot complete inside a REPEATABLE READ or SERIALIZABLE transaction on"
              + " PostgreSQL: the claim may be invisible to its snapshot. Run the joined"
              + " transaction at READ COMMITTED (the default).";
        }
        return null;
      case PLAIN_INSERT_DUPLICATE_IS_23505:
        // H2 (MVStore) updates the latest committed row at REPEATABLE READ, but its SNAPSHOT and
        // SERIALIZABLE levels update against the snapshot and silently match nothing.
        if (level > Connection.TRANSACTION_REPEATABLE_READ) {
          return "cannot complete inside a SNAPSHOT or SERIALIZABLE transaction on H2: the claim"
              + " may be invisible to its snapshot. Run the joined transaction at READ COMMITTED"
              + " (the default) or REPEATABLE READ.";
        }
        return null;
      case INSERT_IGNORE:
        // InnoDB normally updates the latest committed row at any level; with
        // innodb_snapshot_isolation=ON (MariaDB 10.6.18+, 10.11.8+) it fails such an update with
        // error 1020 instead, every time, once the snapshot predates the claim.
        if (level >= Connection.TRANSACTION_REPEATABLE_READ && mariaDbSnapshotIsolation(c)) {
          return "cannot complete inside a REPEATABLE READ or SERIALIZABLE transaction on MariaDB"
              + " with innodb_snapshot_isolation=ON: the claim is newer than the transaction's"
              + " snapshot, so the update fails with error 1020. Run the joined transaction at"
              + " READ COMMITTED, or with innodb_snapshot_isolation=OFF for the session.";
        }
        return null;
    }
    return null;
  }

  private static boolean mariaDbSnapshotIsolation(Connection c) throws SQLException {
    // SHOW VARIABLES (session scope) returns no row where the variable does not exist (older
    // MariaDB, MySQL) instead of failing, so it never disturbs the caller's transaction.
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE 'innodb_snapshot_isolation'")) {
      if (!rs.next()) {
        return false;
      }
      String value = rs.getString(2);
      return value != null
          && (value.equalsIgnoreCase("ON") || value.equals("1") || value.equalsIgnoreCase("TRUE"));
    }
  }
}
