package dev.idem.jdbc;

import dev.idem.jdbc.internal.Schema;
import java.util.List;

/**
 * The SQL databases {@link JdbcIdempotencyStore} supports. Each ships its DDL as a Flyway-style
 * versioned resource, {@link #schemaResource()}.
 */
public enum JdbcDialect {
  /** PostgreSQL 12 or newer. */
  POSTGRESQL("postgresql"),
  /** MariaDB 10.5 or newer, and MySQL 8 (InnoDB). */
  MARIADB("mariadb"),
  /** H2 2.x, the embedded durable default. */
  H2("h2");

  private final String directory;

  JdbcDialect(String directory) {
    this.directory = directory;
  }

  /**
   * The class-path folder of this dialect's versioned DDL scripts, e.g. {@code
   * dev/idem/jdbc/schema/postgresql}: point Flyway's {@code locations} at {@code classpath:} plus
   * this. The scripts create the default table {@value JdbcIdempotencyStore#DEFAULT_TABLE_NAME}.
   */
  public String schemaLocation() {
    return "dev/idem/jdbc/schema/" + directory;
  }

  /** The class-path resource of the first schema version. */
  public String schemaResource() {
    return schemaLocation() + "/V1__idem_records.sql";
  }

  /**
   * The DDL statements that create the table {@code tableName} and its index, as create-on-start
   * runs them: the shipped script with the table name substituted.
   *
   * @throws NullPointerException if {@code tableName} is null
   * @throws IllegalArgumentException if {@code tableName} is not a valid table name
   */
  public List<String> ddl(String tableName) {
    return Schema.statements(schemaResource(), Schema.validTableName(tableName));
  }
}
