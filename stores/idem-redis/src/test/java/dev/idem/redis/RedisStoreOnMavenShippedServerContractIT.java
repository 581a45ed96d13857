package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreContract;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole contract again, on a redis-server started from the binary the embedded-redis Maven
 * artifact ships, whatever is installed or running here: every run proves that a machine with only
 * a JDK and Maven can run the suite, and that the store works on that (older, 6.2) server.
 */
@DisplayName("RedisIdempotencyStore on the Maven-shipped redis-server passes the store contract")
class RedisStoreOnMavenShippedServerContractIT extends IdempotencyStoreContract {
  private static RedisTestServer server;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    server = RedisTestServer.startFromMavenArtifact();
    System.out.println("RedisStoreOnMavenShippedServerContractIT runs on " + server);
    assertThat(server.isOwnProcess()).isTrue();
    assertThat(server.source()).contains("embedded-redis Maven artifact");
    client = RedisClient.create(server.uri());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.shutdown();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Override
  protected IdempotencyStore newStore(ManualClock clock) {
    return RedisIdempotencyStore.builder()
        .client(client)
        .keyPrefix(RedisTestServer.newKeyPrefix())
        .build();
  }

  @Override
  protected boolean usesServerTime() {
    return true;
  }
}
