package dev.idem.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Protects a Spring MVC handler method with the Idempotency-Key protocol. At startup the starter
 * finds annotated methods in the request mappings and protects their path patterns for their HTTP
 * methods (POST and PATCH when the mapping names none) with the route policy the attributes
 * describe. Duration attributes take Spring's forms ({@code 24h}, {@code 60s}, ISO-8601); empty
 * means the engine's default. Invalid values fail startup.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

  /** Whether a request without a key is refused with 400 (true) or passed through unprotected. */
  boolean keyRequired() default true;

  /** How long the response is replayed; empty: {@code idem.retention}. */
  String retention() default "";

  /** How long a claim lasts without a heartbeat; empty: {@code idem.lease}. */
  String lease() default "";

  /** How long a duplicate waits for the running request; empty: {@code idem.max-wait}. */
  String maxWait() default "";

  /** Statuses that free the key instead of storing the response (default 401 and 429). */
  int[] releaseOn() default {401, 429};

  /** Whether 5xx answers and handler exceptions free the key instead of being stored. */
  boolean retryable() default false;

  /** Largest request and stored response body in bytes; -1: {@code idem.http.max-body-size}. */
  long maxBodySize() default -1;
}
