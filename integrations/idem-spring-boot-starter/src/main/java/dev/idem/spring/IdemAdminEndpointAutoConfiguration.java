package dev.idem.spring;

import dev.idem.Idempotency;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link IdemAdminEndpoint}, only when Actuator is on the class path, an {@link Idempotency}
 * engine exists, and the endpoint has been given access and exposed ({@code
 * management.endpoint.idempotency.access} and {@code management.endpoints.web.exposure.include}).
 * Kept apart from {@link IdemAutoConfiguration} so that an application without Actuator never loads
 * an Actuator type.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnClass(
    name = {
      "org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint",
      "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
    })
@ConditionalOnBean({Idempotency.class, IdemProperties.class})
public class IdemAdminEndpointAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public IdemAdminEndpointAutoConfiguration() {}

  /**
   * The endpoint over the application's engine.
   *
   * @throws IllegalArgumentException listing every malformed {@code idem.admin.allowed-scopes}
   *     pattern
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = IdemAdminEndpoint.class)
  public IdemAdminEndpoint idemAdminEndpoint(
      Idempotency idempotency,
      IdemProperties properties,
      ObjectProvider<IdemAdminScopeAccess> access) {
    return new IdemAdminEndpoint(
        idempotency.admin(),
        idempotency.keyPolicy(),
        properties.getAdmin().getAllowedScopes(),
        access.getIfAvailable());
  }
}
