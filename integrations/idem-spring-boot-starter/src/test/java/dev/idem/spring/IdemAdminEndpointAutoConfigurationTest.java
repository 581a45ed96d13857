package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

class IdemAdminEndpointAutoConfigurationTest {
  // Upper case: the runner's conversion service, unlike an application's, is not lenient.
  private static final String[] ON = {
    "management.endpoint.idempotency.access=UNRESTRICTED",
    "management.endpoints.web.exposure.include=idempotency"
  };

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  IdemAutoConfiguration.class, IdemAdminEndpointAutoConfiguration.class))
          .withPropertyValues("idem.http.routes=/payments/**");

  @Test
  void isOffByDefaultEvenWhenExposed() {
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=*")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(IdemAdminEndpoint.class);
            });
  }

  @Test
  void isNotCreatedWhenGivenAccessButNotExposed() {
    runner
        .withPropertyValues("management.endpoint.idempotency.access=UNRESTRICTED")
        .run(context -> assertThat(context).doesNotHaveBean(IdemAdminEndpoint.class));
  }

  @Test
  void isCreatedWhenGivenAccessAndExposed() {
    runner
        .withPropertyValues(ON)
        .run(context -> assertThat(context).hasSingleBean(IdemAdminEndpoint.class));
  }

  @Test
  void backsOffWithoutActuator() {
    runner
        .withPropertyValues(ON)
        .withClassLoader(new FilteredClassLoader(WebEndpoint.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(IdemAdminEndpoint.class);
            });
  }

  @Test
  void failsStartupOnAMalformedScopePattern() {
    runner
        .withPropertyValues(ON)
        .withPropertyValues("idem.admin.allowed-scopes=tenant:*:x, ")
        .run(
            context -> {
              assertThat(context).hasFailed();
              StringBuilder messages = new StringBuilder();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
              }
              assertThat(messages.toString()).contains("tenant:*:x").contains("trailing '*'");
            });
  }

  @Test
  void allowedScopesMatchExactlyOrByTrailingWildcard() {
    runner
        .withPropertyValues(ON)
        .withPropertyValues("idem.admin.allowed-scopes=tenant:acme,principal:*")
        .run(
            context -> {
              IdemAdminEndpoint endpoint = context.getBean(IdemAdminEndpoint.class);
              assertThat(endpoint.scopeAllowed("tenant:acme")).isTrue();
              assertThat(endpoint.scopeAllowed("tenant:acme2")).isFalse();
              assertThat(endpoint.scopeAllowed("tenant:other")).isFalse();
              assertThat(endpoint.scopeAllowed("principal:bob")).isTrue();
              assertThat(endpoint.scopeAllowed("anonymous")).isFalse();
            });
  }

  @Test
  void everyScopeIsAllowedWhenNoneIsConfigured() {
    runner
        .withPropertyValues(ON)
        .run(
            context -> {
              IdemAdminEndpoint endpoint = context.getBean(IdemAdminEndpoint.class);
              assertThat(endpoint.scopeAllowed("anonymous")).isTrue();
              assertThat(endpoint.scopeAllowed("tenant:x")).isTrue();
            });
  }

  @Test
  void thePerOperatorHookIsApplied() {
    runner
        .withPropertyValues(ON)
        .withBean(IdemAdminScopeAccess.class, () -> (scope, operator) -> false)
        .run(
            context -> {
              IdemAdminEndpoint endpoint = context.getBean(IdemAdminEndpoint.class);
              assertThat(
                      endpoint
                          .inspect(SecurityContext.NONE, "tenant:x", "a-valid-key-0000000")
                          .getStatus())
                  .isEqualTo(403);
            });
  }
}
