/**
 * Idem's JDBC store: {@link dev.idem.jdbc.JdbcIdempotencyStore} on PostgreSQL, MariaDB/MySQL and
 * H2. Bring your own driver and {@code DataSource}.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.jdbc {
  requires transitive dev.idem.core;
  requires transitive java.sql;
  requires static org.jspecify;

  exports dev.idem.jdbc;
}
