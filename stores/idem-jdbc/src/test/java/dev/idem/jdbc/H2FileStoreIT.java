package dev.idem.jdbc;

import static dev.idem.jdbc.TransactionalCompletionIT.fingerprint;
import static dev.idem.jdbc.TransactionalCompletionIT.freshKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.spi.AcquireResult;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2 in a file: the embedded, durable default (`idem serve`) keeps results across restarts. */
@DisplayName("H2 in a file")
class H2FileStoreIT {

  @Test
  @DisplayName("a completed result survives closing and reopening the database")
  void resultsSurviveARestart(@TempDir Path dir) {
    String url = "jdbc:h2:file:" + dir.resolve("idem").toAbsolutePath();
    StoreKey key = freshKey();
    byte[] receipt = "receipt".getBytes(StandardCharsets.UTF_8);

    UrlDataSource first = new UrlDataSource(url);
    try (JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder().dataSource(first).createTable(true).build()) {
      assertThat(store.dialect()).isEqualTo(JdbcDialect.H2);
      var acquired =
          (AcquireResult.Acquired) store.acquire(key, fingerprint(), Duration.ofMinutes(1));
      assertThat(store.complete(key, acquired.token(), receipt, Duration.ofHours(1)))
          .isEqualTo(WriteResult.APPLIED);
    }
    TestDatabase.execute(first, "SHUTDOWN");
    assertThat(Files.exists(dir.resolve("idem.mv.db"))).isTrue();

    try (JdbcIdempotencyStore reopened =
        JdbcIdempotencyStore.builder()
            .dataSource(new UrlDataSource(url))
            .createTable(true)
            .build()) {
      AcquireResult replay = reopened.acquire(key, fingerprint(), Duration.ofMinutes(1));
      assertThat(((AcquireResult.Completed) replay).record().result()).isEqualTo(receipt);
    }
  }
}
