package dev.idem.spring;

import org.junit.jupiter.api.DisplayName;
import org.springframework.test.context.TestPropertySource;

@DisplayName("The starter over HTTP on the in-memory store")
@TestPropertySource(
    properties = {
      "idem.store.type=memory",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"
    })
class MemoryStarterIT extends StarterHttpContract {}
