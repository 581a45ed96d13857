package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreOptionTest {

  @Test
  void defaultsToAnH2FileUnderData() {
    StoreOption store = StoreOption.parse(StoreOption.DEFAULT);
    Path file = Path.of("data", "idem").toAbsolutePath().normalize();
    assertThat(store.kind()).isEqualTo(StoreOption.Kind.H2);
    assertThat(store.properties())
        .containsEntry("idem.store.type", "jdbc")
        .containsEntry("idem.store.jdbc.create-table", "true")
        .containsEntry("spring.datasource.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE");
    assertThat(store.description()).isEqualTo("H2 file " + file + ".mv.db");
  }

  @Test
  void turnsOffTheAutoConfigurationsOfStoresNotUsed() {
    assertThat(StoreOption.parse("memory").properties().get("spring.autoconfigure.exclude"))
        .contains("DataSourceAutoConfiguration", "RedisAutoConfiguration");
    assertThat(
            StoreOption.parse("redis://localhost").properties().get("spring.autoconfigure.exclude"))
        .contains("DataSourceAutoConfiguration")
        .doesNotContain("RedisAutoConfiguration");
  }

  @Test
  void pointsSpringAtRedis() {
    StoreOption store = StoreOption.parse("redis://cache.internal:6380/2");
    assertThat(store.kind()).isEqualTo(StoreOption.Kind.REDIS);
    assertThat(store.properties())
        .containsEntry("idem.store.type", "redis")
        .containsEntry("spring.data.redis.url", "redis://cache.internal:6380/2");
    assertThat(store.description()).isEqualTo("Redis cache.internal:6380");
  }

  @Test
  void neverShowsTheQueryStringOfAJdbcUrl() {
    StoreOption store = StoreOption.parse("jdbc:postgresql://db/test?user=u&password=secret");
    assertThat(store.kind()).isEqualTo(StoreOption.Kind.JDBC);
    assertThat(store.description()).isEqualTo("jdbc:postgresql://db/test").doesNotContain("secret");
    assertThat(store.properties())
        .containsEntry("spring.datasource.url", "jdbc:postgresql://db/test?user=u&password=secret")
        .doesNotContainKey("spring.datasource.username");
  }

  @Test
  void refusesWhatItCannotRunOn() {
    assertThatThrownBy(() -> StoreOption.parse("mongodb://localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory, h2:PATH, redis://HOST:PORT");
    assertThatThrownBy(() -> StoreOption.parse("jdbc:oracle:thin:@db"))
        .hasMessageContaining("not oracle");
    assertThatThrownBy(() -> StoreOption.parse("h2:")).hasMessageContaining("file path");
    assertThatThrownBy(() -> StoreOption.parse("redis://:6379"))
        .hasMessageContaining("needs a host");
  }
}
