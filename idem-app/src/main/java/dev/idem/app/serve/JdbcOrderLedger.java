package dev.idem.app.serve;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Orders in a table beside the idempotency records (H2, PostgreSQL, MariaDB). */
final class JdbcOrderLedger implements OrderLedger {
  static final String TABLE = "idem_demo_orders";

  private final JdbcTemplate jdbc;

  JdbcOrderLedger(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    createTable();
  }

  private void createTable() {
    String ddl =
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (id VARCHAR(40) PRIMARY KEY, tenant VARCHAR(160) NOT NULL,"
            + " item VARCHAR(200) NOT NULL, amount BIGINT NOT NULL, created_at TIMESTAMP NOT NULL)";
    try {
      jdbc.execute(ddl);
    } catch (DataAccessException e) {
      // Instances starting together on PostgreSQL race on the catalog even with IF NOT EXISTS: the
      // loser's error is harmless when the table is there now.
      jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE 1 = 0", Long.class);
    }
  }

  @Override
  public void record(Order order) {
    jdbc.update(
        "INSERT INTO " + TABLE + " (id, tenant, item, amount, created_at) VALUES (?, ?, ?, ?, ?)",
        order.id(),
        order.tenant(),
        order.item(),
        order.amount(),
        Timestamp.from(order.createdAt()));
  }

  @Override
  public Optional<Order> find(String tenant, String id) {
    List<Order> found =
        jdbc.query(
            "SELECT id, tenant, item, amount, created_at FROM "
                + TABLE
                + " WHERE tenant = ? AND id = ?",
            (rs, row) ->
                new Order(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getLong(4),
                    rs.getTimestamp(5).toInstant()),
            tenant,
            id);
    return found.stream().findFirst();
  }

  @Override
  public long count(String tenant) {
    Long count =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM " + TABLE + " WHERE tenant = ?", Long.class, tenant);
    return count == null ? 0 : count;
  }
}
