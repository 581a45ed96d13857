package dev.idem.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Micrometer meters, when Micrometer and a registry are present. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
class IdemMetricsConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IdemMetrics idemMetrics(MeterRegistry registry, ClaimTracker claims) {
    return new IdemMetrics(registry, claims::stuckClaims);
  }

  @Bean
  ClaimTracker idemClaimTracker() {
    return new ClaimTracker();
  }
}
