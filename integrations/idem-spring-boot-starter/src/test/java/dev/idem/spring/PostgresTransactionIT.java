package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.ResultCodec;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.RecordState;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * With {@code idem.store.type=jdbc}, a result stored inside a {@code @Transactional} method commits
 * and rolls back with the method's own rows, because the store joins the Spring transaction.
 */
@DisplayName("The jdbc store joins @Transactional methods on PostgreSQL")
class PostgresTransactionIT {
  private static final String SCHEMA =
      "idem_starter_tx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  private static JdbcTestDatabase db;

  @BeforeAll
  static void createSchema() throws Exception {
    db = PostgresTestServer.get();
    execute("CREATE SCHEMA " + SCHEMA);
    execute("CREATE TABLE " + SCHEMA + ".payments (item VARCHAR(100) PRIMARY KEY)");
  }

  @AfterAll
  static void dropSchema() throws Exception {
    execute("DROP SCHEMA " + SCHEMA + " CASCADE");
  }

  /** A business service: inserts a payment and stores its result under the client's key. */
  public static class Payments {
    private final JdbcTemplate jdbc;
    private final Idempotency idempotency;

    public Payments(JdbcTemplate jdbc, Idempotency idempotency) {
      this.jdbc = jdbc;
      this.idempotency = idempotency;
    }

    @Transactional
    public void pay(String key, String item, boolean failAfterwards) throws Exception {
      idempotency.execute(
          key,
          Fingerprint.ofDigest(
              MessageDigest.getInstance("SHA-256").digest(item.getBytes(StandardCharsets.UTF_8))),
          ResultCodec.utf8(),
          ctx -> {
            jdbc.update("INSERT INTO " + SCHEMA + ".payments (item) VALUES (?)", item);
            return "paid " + item;
          });
      if (failAfterwards) {
        throw new IllegalStateException("the business transaction fails after the payment");
      }
    }

    int payments(String item) {
      Integer count =
          jdbc.queryForObject(
              "SELECT count(*) FROM " + SCHEMA + ".payments WHERE item = ?", Integer.class, item);
      return count == null ? 0 : count;
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class,
                IdemAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + db.jdbcUrl(),
            "spring.datasource.username=" + db.user(),
            "spring.datasource.password=" + db.password(),
            "idem.store.type=jdbc",
            "idem.store.jdbc.table-name=" + SCHEMA + ".idem_records",
            "idem.store.jdbc.create-table=true")
        .withBean(Payments.class);
  }

  @Test
  void theStoredResultCommitsWithTheBusinessRows() {
    String key = UUID.randomUUID().toString();
    String item = "item-" + UUID.randomUUID();
    runner()
        .run(
            context -> {
              Payments payments = context.getBean(Payments.class);
              Idempotency idempotency = context.getBean(Idempotency.class);

              payments.pay(key, item, false);

              assertThat(payments.payments(item)).isEqualTo(1);
              assertThat(idempotency.find("", key))
                  .hasValueSatisfying(
                      record -> assertThat(record.state()).isEqualTo(RecordState.COMPLETED));
            });
  }

  @Test
  void theStoredResultRollsBackWithTheBusinessRows() {
    String key = UUID.randomUUID().toString();
    String item = "item-" + UUID.randomUUID();
    runner()
        .run(
            context -> {
              Payments payments = context.getBean(Payments.class);
              Idempotency idempotency = context.getBean(Idempotency.class);

              assertThatThrownBy(() -> payments.pay(key, item, true))
                  .isInstanceOf(IllegalStateException.class);

              assertThat(payments.payments(item)).isZero();
              // The claim committed on its own connection (other instances must see it at once);
              // the COMPLETED write rolled back with the payment, so no result can be replayed.
              Optional<IdempotencyRecord> record = idempotency.find("", key);
              assertThat(record.map(IdempotencyRecord::state))
                  .isNotEqualTo(Optional.of(RecordState.COMPLETED));
            });
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
