/** The store contract every {@code IdempotencyStore} passes with a small subclass. */
@org.jspecify.annotations.NullMarked
module dev.idem.store.tck {
  requires transitive dev.idem.core;
  requires transitive org.junit.jupiter.api;
  requires transitive net.jqwik.api;
  requires org.assertj.core;
  requires static org.jspecify;

  exports dev.idem.tck;

  opens dev.idem.tck to
      org.junit.platform.commons,
      net.jqwik.engine;
}
