package dev.idem.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.spi.StoreUnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SQL failures sorted into unavailable and everything else")
class SqlErrorsTest {

  @Test
  @DisplayName("a lock wait timeout is unavailable, so the failure policy and retries apply")
  void lockWaitTimeoutsAreUnavailable() {
    SQLException maria = new SQLException("Lock wait timeout exceeded", "HY000", 1205);
    SQLException postgres = new SQLException("canceling statement due to lock timeout", "55P03");
    assertThat(SqlErrors.translate("s", "renew", maria))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(SqlErrors.translate("s", "renew", postgres))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  @DisplayName("deadlocks are recognised by SQLState or MariaDB's error code; other errors are not")
  void deadlocksAreRecognised() {
    assertThat(SqlErrors.isDeadlock(new SQLException("deadlock", "40001", 1213))).isTrue();
    assertThat(SqlErrors.isDeadlock(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(SqlErrors.isDeadlock(new SQLException("Deadlock found", "HY000", 1213))).isTrue();
    assertThat(SqlErrors.isDeadlock(new SQLException("dup", "23505"))).isFalse();
  }

  @Test
  @DisplayName("an expiry past the end of time saturates instead of wrapping into the past")
  void expirySaturates() {
    assertThat(SqlStore.expiry(1_000, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(SqlStore.expiry(1_000, 500)).isEqualTo(1_500);
  }
}
