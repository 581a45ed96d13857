/**
 * Spring Boot auto-configuration for Idem: {@link dev.idem.spring.Idempotent} on controller
 * methods, the store chosen by {@code idem.store.type}, {@link
 * dev.idem.spring.IdempotencyCustomizer} beans, Actuator health and Micrometer metrics.
 */
@NullMarked
package dev.idem.spring;

import org.jspecify.annotations.NullMarked;
