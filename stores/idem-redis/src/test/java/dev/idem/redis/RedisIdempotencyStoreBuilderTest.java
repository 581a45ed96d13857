package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RedisIdempotencyStore.Builder")
class RedisIdempotencyStoreBuilderTest {
  // Creating a client opens no connection; the store connects on first use.
  private final RedisClient client = RedisClient.create("redis://127.0.0.1:1");

  @AfterEach
  void shutdown() {
    client.shutdown();
  }

  @Test
  @DisplayName("build() lists every problem at once")
  void listsEveryProblem() {
    assertThatThrownBy(
            () ->
                RedisIdempotencyStore.builder().keyPrefix("").commandTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("client")
        .hasMessageContaining("keyPrefix")
        .hasMessageContaining("commandTimeout");
  }

  @Test
  @DisplayName("a hash tag in the key prefix is refused")
  void hashTagPrefixIsRefused() {
    assertThatThrownBy(
            () -> RedisIdempotencyStore.builder().client(client).keyPrefix("{x}").build())
        .hasMessageContaining("hash tag");
  }

  @Test
  @DisplayName("each option may be set once, and only one client or connection")
  void optionsAreSetOnce() {
    RedisIdempotencyStore.Builder builder =
        RedisIdempotencyStore.builder()
            .client(client)
            .keyPrefix("a:")
            .commandTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> builder.client(client)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.keyPrefix("b:")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("building connects to nothing, so it succeeds while Redis is down")
  void buildIsLazy() {
    try (RedisIdempotencyStore store = RedisIdempotencyStore.builder().client(client).build()) {
      assertThat(store.keyPrefix()).isEqualTo(RedisIdempotencyStore.DEFAULT_KEY_PREFIX);
      assertThat(store.toString()).contains("idem:").contains("PT2S");
    }
  }

  @Test
  @DisplayName("null arguments are refused with their name")
  void nullsAreRefused() {
    assertThatThrownBy(() -> RedisIdempotencyStore.builder().client((RedisClient) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("client");
  }

  @Test
  @DisplayName("maxResultBytes defaults to 1 MiB and must fit a Redis string with the header")
  void maxResultBytes() {
    try (RedisIdempotencyStore store = RedisIdempotencyStore.builder().client(client).build()) {
      assertThat(store.maxResultBytes())
          .isEqualTo(RedisIdempotencyStore.DEFAULT_MAX_RESULT_BYTES)
          .isEqualTo(1024 * 1024);
    }
    try (RedisIdempotencyStore store =
        RedisIdempotencyStore.builder().client(client).maxResultBytes(10).build()) {
      assertThat(store.maxResultBytes()).isEqualTo(10);
    }
    assertThatThrownBy(
            () -> RedisIdempotencyStore.builder().client(client).maxResultBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxResultBytes");
    assertThatThrownBy(
            () ->
                RedisIdempotencyStore.builder()
                    .client(client)
                    .maxResultBytes(512L * 1024 * 1024)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxResultBytes")
        .hasMessageContaining("512 MB");
    RedisIdempotencyStore.Builder once = RedisIdempotencyStore.builder().maxResultBytes(10);
    assertThatThrownBy(() -> once.maxResultBytes(20)).isInstanceOf(IllegalStateException.class);
  }
}
