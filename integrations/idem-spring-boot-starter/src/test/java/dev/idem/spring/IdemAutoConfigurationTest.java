package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.KeyPolicy;
import dev.idem.http.HttpIdempotency;
import dev.idem.http.ScopeResolver;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class IdemAutoConfigurationTest {
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("ab".repeat(32));
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(IdemAutoConfiguration.class));

  @Test
  void buildsTheInMemoryEngineByDefault() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(Idempotency.class);
          assertThat(context).hasSingleBean(HttpIdempotency.class);
          assertThat(context.getBean(IdempotencyStore.class))
              .isInstanceOf(InMemoryIdempotencyStore.class);
          assertThat(context.getBean(Idempotency.class).keyPolicy().name()).isEqualTo("ietf");
        });
  }

  @Test
  void sweepsTheMemoryStoreOnItsInterval() {
    runner
        .withPropertyValues("idem.store.memory.sweep-interval=20ms")
        .run(
            context -> {
              InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
              store.acquire(new StoreKey("a".repeat(64)), FINGERPRINT, Duration.ofMillis(30));
              long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
              while (store.stats().size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
              }
              assertThat(store.stats().size()).isZero();
              assertThat(store.stats().expiredRemovals()).isEqualTo(1);
            });
  }

  @Test
  void aZeroSweepIntervalTurnsTheMemorySweepOff() {
    runner
        .withPropertyValues("idem.store.memory.sweep-interval=0")
        .run(
            context -> {
              InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
              store.acquire(new StoreKey("a".repeat(64)), FINGERPRINT, Duration.ofMillis(20));
              Thread.sleep(300);
              assertThat(store.stats().size()).isEqualTo(1);
            });
  }

  @Test
  void bindsPropertiesOntoTheBuilders() {
    runner
        .withPropertyValues("idem.key-policy=stripe", "idem.http.profile=stripe")
        .run(
            context -> {
              assertThat(context.getBean(Idempotency.class).keyPolicy())
                  .isSameAs(KeyPolicy.stripe());
              assertThat(context.getBean(HttpIdempotency.class).profile().name())
                  .isEqualTo("stripe");
            });
  }

  @Test
  void failsStartupListingEveryInvalidValue() {
    runner
        .withPropertyValues("idem.retention=0s", "idem.lease=-1s", "idem.key-policy=nope")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootMessage(context.getStartupFailure()))
                  .contains("retention must be positive")
                  .contains("lease must be positive")
                  .contains("idem.key-policy");
            });
  }

  @Test
  void failsStartupOnAnUnknownSetting() {
    runner
        .withPropertyValues("idem.retension=1h")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootMessage(context.getStartupFailure())).contains("retension");
            });
  }

  @Test
  void failsStartupOnAnUnknownStoreType() {
    runner
        .withPropertyValues("idem.store.type=cassandra")
        .run(context -> assertThat(context).hasFailed());
  }

  @Test
  void appliesCustomizersAfterTheProperties() {
    KeyPolicy custom = KeyPolicy.builder().name("custom").minLength(8).build();
    runner
        .withBean(IdempotencyCustomizer.class, () -> builder -> builder.keyPolicy(custom))
        .run(
            context -> assertThat(context.getBean(Idempotency.class).keyPolicy()).isSameAs(custom));
  }

  @Test
  void refusesACustomizerSettingWhatAPropertyAlreadySet() {
    runner
        .withPropertyValues("idem.key-policy=stripe")
        .withBean(
            IdempotencyCustomizer.class, () -> builder -> builder.keyPolicy(KeyPolicy.adyen()))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootMessage(context.getStartupFailure())).contains("keyPolicy");
            });
  }

  @Test
  void refusesAScopeHeaderAndAScopeResolverBeanTogether() {
    runner
        .withPropertyValues("idem.http.scope-header=X-Tenant-Id")
        .withBean(ScopeResolver.class, () -> ScopeResolver.constant("tenant:one"))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootMessage(context.getStartupFailure()))
                  .contains("idem.http.scope-header")
                  .contains("ScopeResolver bean");
            });
  }

  @Test
  void takesTheApplicationsScopeResolver() {
    runner
        .withBean(ScopeResolver.class, () -> ScopeResolver.constant("tenant:one"))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HttpIdempotency.class));
  }

  @Test
  void backsOffForTheApplicationsStore() {
    InMemoryIdempotencyStore own = InMemoryIdempotencyStore.builder().maximumSize(10).build();
    runner
        .withBean(IdempotencyStore.class, () -> own)
        .run(context -> assertThat(context.getBean(IdempotencyStore.class)).isSameAs(own));
  }

  @Test
  void reportsTheStoreUpWhenItAnswers() {
    runner.run(
        context -> {
          Health health =
              context.getBean("idemStoreHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void reportsTheStoreDownWithTheExceptionClassWhenItThrows() {
    runner
        .withBean(IdempotencyStore.class, UnreachableStore::new)
        .run(
            context -> {
              Health health =
                  context.getBean("idemStoreHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails())
                  .containsEntry("error", StoreUnavailableException.class.getName());
            });
  }

  @Test
  void registersTheMetersWhenARegistryIsPresent() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.get(IdemMetrics.KEY_STATUS).counters()).hasSize(6);
              assertThat(registry.get(IdemMetrics.STUCK_PENDING_KEYS).gauge().value()).isZero();
              assertThat(registry.get(IdemMetrics.HIT_VS_MISS_RATIO).gauge().value()).isZero();
            });
  }

  @Test
  void writesSpanAttributesWhenOpenTelemetryIsPresentUnlessSwitchedOff() {
    runner.run(context -> assertThat(context).hasSingleBean(IdemSpanAttributes.class));
    runner
        .withPropertyValues("idem.tracing.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(IdemSpanAttributes.class));
    runner
        .withClassLoader(new FilteredClassLoader(io.opentelemetry.api.trace.Span.class))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(IdemSpanAttributes.class)
                    .hasSingleBean(HttpIdempotency.class));
  }

  @Test
  void staysOutOfTheWayWhenDisabled() {
    runner
        .withPropertyValues("idem.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Idempotency.class));
  }

  private static String rootMessage(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** A store whose server cannot be reached: every call fails the way real stores report it. */
  private static final class UnreachableStore implements IdempotencyStore {
    private static StoreUnavailableException down() {
      return new StoreUnavailableException("connection refused", null);
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      throw down();
    }

    @Override
    public dev.idem.spi.WriteResult complete(
        StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      throw down();
    }

    @Override
    public dev.idem.spi.WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      throw down();
    }

    @Override
    public dev.idem.spi.WriteResult release(StoreKey key, LeaseToken token) {
      throw down();
    }

    @Override
    public boolean purge(StoreKey key) {
      throw down();
    }

    @Override
    public Optional<IdempotencyRecord> find(StoreKey key) {
      throw down();
    }
  }
}
