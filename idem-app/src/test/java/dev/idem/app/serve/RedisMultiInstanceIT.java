package dev.idem.app.serve;

import dev.idem.testservers.RedisTestServer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;

@DisplayName("three idem serve instances sharing Redis")
class RedisMultiInstanceIT extends MultiInstanceContract {
  private final RedisTestServer redis = RedisTestServer.shared();
  private final String prefix = RedisTestServer.newKeyPrefix();

  @Override
  List<String> storeArguments() {
    return List.of("--store", redis.uri(), "--set", "idem.store.redis.key-prefix=" + prefix);
  }

  @Override
  void cleanUp() {
    redis.deleteKeys(prefix);
  }
}
