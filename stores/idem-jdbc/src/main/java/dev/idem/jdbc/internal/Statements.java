package dev.idem.jdbc.internal;

/** The SQL one store runs, for one dialect and table. */
public final class Statements {
  private static final String COLUMNS =
      "(idem_key, state, fingerprint, token, created_at, expires_at) VALUES (?, 'IN_PROGRESS', ?,"
          + " ?, ?, ?)";

  /** Which insert-if-absent form the database has. */
  public enum InsertStyle {
    /** {@code INSERT … ON CONFLICT DO NOTHING}: update count 0 when the key exists. */
    ON_CONFLICT_DO_NOTHING,
    /** {@code INSERT IGNORE}: update count 0 when the key exists. */
    INSERT_IGNORE,
    /** A plain insert; a duplicate key is SQLState 23505 and means the key exists. */
    PLAIN_INSERT_DUPLICATE_IS_23505
  }

  final InsertStyle insertStyle;
  final String insertIfAbsent;
  final String takeOverExpired;
  final String select;
  final String complete;
  final String renew;
  final String release;
  final String purge;
  final String sweepBatch;

  /** PostgreSQL statements for {@code table}. */
  public static Statements postgresql(String table) {
    return new Statements(
        InsertStyle.ON_CONFLICT_DO_NOTHING,
        table,
        "INSERT INTO " + table + " " + COLUMNS + " ON CONFLICT (idem_key) DO NOTHING",
        // SKIP LOCKED: the sweeper never waits on (or for) a row a request is using; the outer
        // expires_at check re-tests rows taken over between the sub-select and the delete.
        "DELETE FROM "
            + table
            + " WHERE idem_key IN (SELECT idem_key FROM "
            + table
            + " WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ?");
  }

  /** MariaDB and MySQL. */
  public static Statements mariadb(String table) {
    return new Statements(
        InsertStyle.INSERT_IGNORE,
        table,
        "INSERT IGNORE INTO " + table + " " + COLUMNS,
        "DELETE FROM " + table + " WHERE expires_at <= ? LIMIT ?");
  }

  /** H2 2.x. */
  public static Statements h2(String table) {
    return new Statements(
        InsertStyle.PLAIN_INSERT_DUPLICATE_IS_23505,
        table,
        "INSERT INTO " + table + " " + COLUMNS,
        "DELETE FROM " + table + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY");
  }

  private Statements(InsertStyle style, String table, String insert, String sweep) {
    this.insertStyle = style;
    this.insertIfAbsent = insert;
    this.takeOverExpired =
        "UPDATE "
            + table
            + " SET state = 'IN_PROGRESS', fingerprint = ?, token = ?, created_at = ?,"
            + " expires_at = ?, completed_at = NULL, result = NULL"
            + " WHERE idem_key = ? AND expires_at <= ?";
    this.select =
        "SELECT state, fingerprint, token, created_at, expires_at, completed_at, result FROM "
            + table
            + " WHERE idem_key = ?";
    String held = " WHERE idem_key = ? AND token = ? AND state = 'IN_PROGRESS' AND expires_at > ?";
    this.complete =
        "UPDATE "
            + table
            + " SET state = 'COMPLETED', token = NULL, expires_at = ?, completed_at = ?,"
            + " result = ?"
            + held;
    this.renew = "UPDATE " + table + " SET expires_at = ?" + held;
    this.release = "DELETE FROM " + table + held;
    // Only a live row counts as purged; an expired one is as good as absent and the sweeper's.
    this.purge = "DELETE FROM " + table + " WHERE idem_key = ? AND expires_at > ?";
    this.sweepBatch = sweep;
  }

  /** Whether the sweep statement takes the cut-off twice (cut-off, limit, cut-off). */
  boolean sweepRechecks() {
    return insertStyle == InsertStyle.ON_CONFLICT_DO_NOTHING;
  }
}
