package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.testservers.RedisTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The test-server lookup the README promises, driven through its system properties. */
@DisplayName("Finding a Redis for the tests")
class RedisTestServerLookupIT {
  private static final String URL_PROPERTY = "idem.test.redis.url";
  private static final String MODE_PROPERTY = "idem.test.servers";

  @AfterEach
  void clearProperties() {
    System.clearProperty(URL_PROPERTY);
    System.clearProperty(MODE_PROPERTY);
  }

  @Test
  @DisplayName("a URL that nothing answers fails and says what to do, instead of falling back")
  void deadUrlFails() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    System.setProperty(MODE_PROPERTY, "auto"); // whatever IDEM_TEST_SERVERS this run has
    System.setProperty(URL_PROPERTY, "redis://127.0.0.1:" + port);

    assertThatThrownBy(RedisTestServer::lookup)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("IDEM_TEST_REDIS_URL=redis://127.0.0.1:" + port)
        .hasMessageContaining("no Redis answers");
  }

  @Test
  @DisplayName("a URL that answers is used as given")
  void liveUrlIsUsed() {
    RedisTestServer own = RedisTestServer.start();
    try {
      System.setProperty(MODE_PROPERTY, "auto");
      System.setProperty(URL_PROPERTY, own.uri());
      RedisTestServer found = RedisTestServer.lookup();
      assertThat(found.port()).isEqualTo(own.port());
      assertThat(found.isOwnProcess()).isFalse();
      assertThat(found.source()).contains("IDEM_TEST_REDIS_URL");
    } finally {
      own.stop();
    }
  }

  @Test
  @DisplayName("IDEM_TEST_SERVERS=start starts a server here even when one is configured")
  void startModeStartsOne() {
    System.setProperty(URL_PROPERTY, "redis://127.0.0.1:1");
    System.setProperty(MODE_PROPERTY, "start");
    RedisTestServer started = RedisTestServer.lookup();
    try {
      assertThat(started.isOwnProcess()).isTrue();
      assertThat(started.isRunning()).isTrue();
    } finally {
      started.stop();
    }
    assertThat(started.isRunning()).isFalse();
  }

  @Test
  @DisplayName("an unknown IDEM_TEST_SERVERS value is an error, not a silent default")
  void unknownModeFails() {
    System.setProperty(MODE_PROPERTY, "sometimes");

    assertThatThrownBy(RedisTestServer::lookup)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("auto, start, artifact");
  }
}
