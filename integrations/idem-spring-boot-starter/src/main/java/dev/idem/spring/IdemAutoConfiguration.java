package dev.idem.spring;

import dev.idem.Fingerprinter;
import dev.idem.Idempotency;
import dev.idem.IdempotencyObserver;
import dev.idem.KeyPolicy;
import dev.idem.StoreFailurePolicy;
import dev.idem.http.HttpIdempotency;
import dev.idem.http.HttpObserver;
import dev.idem.http.HttpProfile;
import dev.idem.http.RoutePolicy;
import dev.idem.http.ScopeResolver;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures Idem: the {@link IdempotencyStore} named by {@code idem.store.type}, the {@link
 * Idempotency} engine (properties, then {@link IdempotencyCustomizer} beans), the {@link
 * HttpIdempotency} protocol and, in servlet applications, the filter protecting {@link Idempotent}
 * handler methods. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "idem", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdemProperties.class)
@Import({
  IdemStoreConfigurations.Memory.class,
  IdemStoreConfigurations.Redis.class,
  IdemStoreConfigurations.Jdbc.class,
  IdemMetricsConfiguration.class,
  IdemTracingConfiguration.class,
  IdemHealthConfiguration.class,
  IdemWebConfiguration.class
})
public class IdemAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public IdemAutoConfiguration() {}

  /**
   * The engine: properties bound onto {@link Idempotency#builder()}, then the customizers in order.
   *
   * @throws IllegalArgumentException listing every invalid {@code idem.*} value
   */
  /** The largest body the fingerprinter reads, given the default route's limit. */
  static long fingerprintLimit(long defaultRouteLimit) {
    return Math.max(defaultRouteLimit, Fingerprinter.DEFAULT_MAX_BODY_BYTES);
  }

  @Bean
  @ConditionalOnMissingBean
  public Idempotency idempotency(
      IdemProperties properties,
      IdempotencyStore store,
      ObjectProvider<IdempotencyObserver> observers,
      ObjectProvider<IdempotencyCustomizer> customizers,
      ObjectProvider<ClaimTracker> claims) {
    List<String> problems = new ArrayList<>();
    ClaimTracker tracker = claims.getIfAvailable();
    Idempotency.Builder builder =
        Idempotency.builder().store(tracker == null ? store : tracker.track(store));
    if (!properties.getRetention().equals(Idempotency.DEFAULT_RETENTION)) {
      builder.retention(properties.getRetention());
    }
    if (!properties.getLease().equals(Idempotency.DEFAULT_LEASE)) {
      builder.lease(properties.getLease());
    }
    if (!properties.getMaxWait().equals(Idempotency.DEFAULT_MAX_WAIT)) {
      builder.maxWait(properties.getMaxWait());
    }
    if (!properties.getKeyPolicy().equals("ietf")) {
      try {
        builder.keyPolicy(KeyPolicy.named(properties.getKeyPolicy()));
      } catch (IllegalArgumentException e) {
        problems.add("idem.key-policy: " + e.getMessage());
      }
    }
    if (properties.getStoreFailure() != StoreFailurePolicy.FAIL_CLOSED) {
      builder.storeFailurePolicy(properties.getStoreFailure());
    }
    String secret = properties.getKeyDigestSecret();
    if (secret != null) {
      builder.keyDigestSecret(secret.getBytes(StandardCharsets.UTF_8));
    }
    List<IdempotencyObserver> all = observers.orderedStream().toList();
    if (!all.isEmpty()) {
      builder.observer(all.size() == 1 ? all.get(0) : Observers.composite(all));
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    try {
      Idempotency engine = builder.build();
      if (!problems.isEmpty()) {
        engine.close();
      } else {
        return engine;
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    throw invalid(problems);
  }

  /**
   * The HTTP protocol: {@code idem.http.*} bound onto {@link HttpIdempotency#builder()}. A single
   * {@link ScopeResolver} bean, when the application defines one, decides the scope instead of the
   * principal or {@code idem.http.scope-header} (setting both fails startup).
   *
   * @throws IllegalArgumentException listing every invalid {@code idem.http.*} value
   */
  @Bean
  @ConditionalOnMissingBean
  public HttpIdempotency httpIdempotency(
      IdemProperties properties,
      Idempotency idempotency,
      ObjectProvider<HttpObserver> observers,
      ObjectProvider<ScopeResolver> scopeResolvers) {
    List<String> problems = new ArrayList<>();
    IdemProperties.Http http = properties.getHttp();
    HttpIdempotency.Builder builder = HttpIdempotency.builder().idempotency(idempotency);
    try {
      builder.profile(HttpProfile.named(http.getProfile()));
    } catch (IllegalArgumentException e) {
      problems.add("idem.http.profile: " + e.getMessage());
    }
    String scopeHeader = http.getScopeHeader();
    ScopeResolver scopeResolver = scopeResolvers.getIfUnique();
    if (scopeResolver != null) {
      if (scopeHeader != null) {
        // Two sources for the one thing that separates tenants: refuse rather than pick one.
        problems.add(
            "idem.http.scope-header: set, but a ScopeResolver bean is defined too; keep one");
      }
      builder.scopeResolver(scopeResolver);
    } else if (scopeHeader != null) {
      try {
        builder.scopeResolver(ScopeResolver.header(scopeHeader));
      } catch (IllegalArgumentException e) {
        problems.add("idem.http.scope-header: " + e.getMessage());
      }
    }
    long maxBody = http.getMaxBodySize().toBytes();
    try {
      builder.defaults(RoutePolicy.ofDefaults().withMaxBodyBytes(maxBody));
      if (fingerprintLimit(maxBody) > Fingerprinter.DEFAULT_MAX_BODY_BYTES) {
        // The fingerprinter must read at least as much as the routes accept, or larger bodies
        // would be refused with 413 below the configured limit.
        builder.fingerprinter(
            Fingerprinter.builder().maxBodyBytes(fingerprintLimit(maxBody)).build());
      }
    } catch (IllegalArgumentException e) {
      problems.add("idem.http.max-body-size: " + e.getMessage());
    }
    List<HttpObserver> all = observers.orderedStream().toList();
    if (!all.isEmpty()) {
      builder.observer(all.size() == 1 ? all.get(0) : Observers.compositeHttp(all));
    }
    try {
      HttpIdempotency built = builder.build();
      if (problems.isEmpty()) {
        return built;
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    throw invalid(problems);
  }

  static IllegalArgumentException invalid(List<String> problems) {
    return ConfigProblems.of("idem.*", problems);
  }
}
