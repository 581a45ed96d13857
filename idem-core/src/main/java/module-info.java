/**
 * Idem core: keys and key policies, request fingerprints, the idempotency engine, the store SPI and
 * the in-memory store. Depends on the JDK only.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.core {
  requires static org.jspecify;

  exports dev.idem;
  exports dev.idem.spi;
}
