package dev.idem.spring;

import dev.idem.Idempotency;

/**
 * Adjusts the engine builder after the {@code idem.*} properties were applied, for what properties
 * cannot say (a clock, a heartbeat executor, a custom key policy). Beans of this type are applied
 * in {@link org.springframework.core.annotation.Order} order.
 *
 * <p>Each builder option may be set once: the auto-configuration sets the store always, the
 * observer when Micrometer is present, and the durations, key policy, store-failure policy and
 * digest secret only when their property differs from the default. Setting one of those again
 * throws {@link IllegalStateException} at startup rather than silently picking a winner.
 */
@FunctionalInterface
public interface IdempotencyCustomizer {

  /**
   * Customizes the builder; called once at startup on the main thread.
   *
   * @param builder the engine builder, never null
   */
  void customize(Idempotency.Builder builder);
}
