package dev.idem.spring;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Span attributes, when the OpenTelemetry API is on the class path. It does not need a tracer bean:
 * the Java agent installs OpenTelemetry without one, and the attributes go to whatever span is
 * current, so the observer costs a thread-local read per event when nothing traces.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.opentelemetry.api.trace.Span")
@ConditionalOnProperty(prefix = "idem.tracing", name = "enabled", matchIfMissing = true)
class IdemTracingConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IdemSpanAttributes idemSpanAttributes() {
    return new IdemSpanAttributes();
  }
}
