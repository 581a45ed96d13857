package dev.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JdbcIdempotencyStore.Builder")
class JdbcIdempotencyStoreBuilderTest {

  @Test
  @DisplayName("build lists every problem at once")
  void listsEveryProblem() {
    assertThatThrownBy(
            () ->
                JdbcIdempotencyStore.builder()
                    .tableName("idem records; DROP TABLE x")
                    .maxResultBytes(0)
                    .sweepInterval(Duration.ZERO)
                    .sweepBatchSize(0)
                    .statementTimeout(Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(6 problems)")
        .hasMessageContaining("dataSource is required")
        .hasMessageContaining("tableName must be an unquoted identifier")
        .hasMessageContaining("maxResultBytes must be at least 1")
        .hasMessageContaining("sweepInterval must be positive")
        .hasMessageContaining("sweepBatchSize must be between 1 and 100000")
        .hasMessageContaining("statementTimeout must be positive");
  }

  @Test
  @DisplayName("each option may be set once")
  void optionsAreSetOnce() {
    JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder().tableName("a");
    assertThatThrownBy(() -> builder.tableName("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("tableName was already set");
  }

  @Test
  @DisplayName("table names may be schema-qualified; quotes, spaces and long names are refused")
  void tableNames() {
    assertThat(JdbcDialect.POSTGRESQL.ddl("idem.records_2")).hasSize(2);
    for (String bad : List.of("", "1abc", "a-b", "a.b.c", "\"quoted\"", "x".repeat(49))) {
      assertThatThrownBy(() -> JdbcDialect.H2.ddl(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("the shipped DDL names the table, its primary key and its index after tableName")
  void ddlSubstitutesTheTableName() {
    List<String> ddl = JdbcDialect.POSTGRESQL.ddl("app.payments_idem");
    assertThat(ddl.get(0))
        .startsWith("CREATE TABLE IF NOT EXISTS app.payments_idem (")
        .contains("CONSTRAINT payments_idem_pk PRIMARY KEY (idem_key)")
        .doesNotContain("idem_records");
    assertThat(ddl.get(1))
        .isEqualTo(
            "CREATE INDEX IF NOT EXISTS payments_idem_expires_at_idx ON app.payments_idem"
                + " (expires_at)");
  }

  @Test
  @DisplayName("an unsupported database is an error at build, never a fallback")
  void unsupportedDatabaseFailsAtBuild() throws Exception {
    // H2 in a mode that reports another product name would still be H2; an unknown name needs a
    // DataSource whose metadata says so, which a real driver cannot be made to do.
    UrlDataSource h2 = new UrlDataSource("jdbc:h2:mem:builder_test");
    javax.sql.DataSource derbyLike =
        (javax.sql.DataSource)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getConnection")) {
                    java.sql.Connection real = h2.getConnection();
                    return java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {java.sql.Connection.class},
                        (p2, m2, a2) -> {
                          if (m2.getName().equals("getMetaData")) {
                            java.sql.DatabaseMetaData meta = real.getMetaData();
                            return java.lang.reflect.Proxy.newProxyInstance(
                                getClass().getClassLoader(),
                                new Class<?>[] {java.sql.DatabaseMetaData.class},
                                (p3, m3, a3) ->
                                    m3.getName().equals("getDatabaseProductName")
                                        ? "Apache Derby"
                                        : m3.invoke(meta, a3));
                          }
                          return m2.invoke(real, a2);
                        });
                  }
                  return method.invoke(h2, args);
                });
    assertThatThrownBy(() -> JdbcIdempotencyStore.builder().dataSource(derbyLike).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Apache Derby'")
        .hasMessageContaining("does not support");
  }
}
