/**
 * The JDBC store: {@link dev.idem.jdbc.JdbcIdempotencyStore}, its dialects and shipped DDL, and
 * {@link dev.idem.jdbc.JdbcTransactions} for completing inside the caller's transaction.
 */
package dev.idem.jdbc;
