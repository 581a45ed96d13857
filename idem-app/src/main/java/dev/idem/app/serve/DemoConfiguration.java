package dev.idem.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.http.ScopeResolver;
import dev.idem.spring.IdemProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** Wires the demo API: its tenant scope and a ledger in the same place as the records. */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {

  /** Each tenant is its own scope, so one tenant's key can never replay another's order. */
  @Bean
  ScopeResolver demoTenantScope() {
    return request -> Tenants.of(request.headers(Tenants.HEADER)).map(tenant -> "tenant:" + tenant);
  }

  @Bean
  OrderLedger orderLedger(
      IdemProperties properties,
      ObjectProvider<JdbcTemplate> jdbc,
      ObjectProvider<StringRedisTemplate> redis,
      ObjectMapper json) {
    return switch (properties.getStore().getType()) {
      case MEMORY -> new MemoryOrderLedger();
      case JDBC -> new JdbcOrderLedger(jdbc.getObject());
      case REDIS ->
          new RedisOrderLedger(
              redis.getObject(), json, properties.getStore().getRedis().getKeyPrefix());
    };
  }
}
