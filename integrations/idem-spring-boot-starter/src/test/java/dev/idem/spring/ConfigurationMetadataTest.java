package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IDEs complete {@code idem.*} from the generated metadata; it must name every property. */
class ConfigurationMetadataTest {

  @Test
  void describesEveryPropertyWithItsDefault() throws Exception {
    JsonNode metadata;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> properties = new HashMap<>();
    metadata.get("properties").forEach(p -> properties.put(p.get("name").asText(), p));

    assertThat(properties)
        .containsKeys(
            "idem.enabled",
            "idem.store.type",
            "idem.store.memory.maximum-size",
            "idem.store.redis.key-prefix",
            "idem.store.jdbc.table-name",
            "idem.store.jdbc.create-table",
            "idem.store.jdbc.sweep-interval",
            "idem.store.jdbc.sweep-batch-size",
            "idem.store.memory.sweep-interval",
            "idem.retention",
            "idem.lease",
            "idem.max-wait",
            "idem.key-policy",
            "idem.store-failure",
            "idem.key-digest-secret",
            "idem.http.profile",
            "idem.http.scope-header",
            "idem.http.max-body-size",
            "idem.http.routes",
            "idem.tracing.enabled",
            "idem.admin.allowed-scopes");
    assertThat(properties.get("idem.retention").get("defaultValue").asText()).isEqualTo("24h");
    assertThat(properties.get("idem.lease").get("defaultValue").asText()).isEqualTo("60s");
    assertThat(properties.get("idem.store.type").get("description").asText()).contains("redis");
    assertThat(properties.get("idem.store.jdbc.sweep-interval").get("defaultValue").asText())
        .isEqualTo("5m");
    assertThat(properties.get("idem.store.memory.sweep-interval").get("defaultValue").asText())
        .isEqualTo("1m");
    assertThat(properties.get("idem.tracing.enabled").get("defaultValue").asBoolean()).isTrue();
    assertThat(properties.get("idem.admin.allowed-scopes").get("description").asText())
        .contains("tenant:*")
        .contains("403");
  }
}
