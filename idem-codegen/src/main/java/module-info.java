/**
 * Generates idempotency middleware for other ecosystems (Express.js, FastAPI, Spring Boot) that
 * follows Idem's HTTP semantics, plus a runnable example project around it. Templates are resources
 * of this module; depends on the JDK and idem-core only.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.codegen {
  requires dev.idem.core;
  requires static org.jspecify;

  exports dev.idem.codegen;
}
