package dev.idem.spring;

import dev.idem.Idempotency;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator health of the store, as {@code idemStore}, when Actuator is on the class path. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
class IdemHealthConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "idemStoreHealthIndicator")
  HealthIndicator idemStoreHealthIndicator(IdempotencyStore store, Idempotency idempotency) {
    // A digest no client key maps to by chance: the probe reads, never writes.
    StoreKey probe = idempotency.storeKey("idem:health", "probe");
    return () -> {
      try {
        store.find(probe);
        return Health.up().withDetail("store", store.getClass().getSimpleName()).build();
      } catch (StoreUnavailableException e) {
        return Health.down()
            .withDetail("store", store.getClass().getSimpleName())
            .withDetail("error", e.getClass().getName())
            .build();
      }
    };
  }
}
