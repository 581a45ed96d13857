package dev.idem.app.serve;

import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;

@DisplayName("three idem serve instances sharing PostgreSQL")
class PostgresMultiInstanceIT extends MultiInstanceContract {
  private final JdbcTestDatabase database = PostgresTestServer.get();
  private final String table =
      "idem_multi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @Override
  List<String> storeArguments() {
    return List.of(
        "--store",
        database.jdbcUrl(),
        "--set",
        "spring.datasource.username=" + database.user(),
        "--set",
        "spring.datasource.password=" + database.password(),
        "--set",
        "idem.store.jdbc.table-name=" + table);
  }

  @Override
  void cleanUp() throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
    }
  }
}
