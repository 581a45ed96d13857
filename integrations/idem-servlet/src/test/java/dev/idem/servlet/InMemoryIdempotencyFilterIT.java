package dev.idem.servlet;

import dev.idem.InMemoryIdempotencyStore;
import dev.idem.spi.IdempotencyStore;

/** The HTTP contract against the in-memory store. */
class InMemoryIdempotencyFilterIT extends IdempotencyFilterContract {
  @Override
  protected IdempotencyStore newStore() {
    return InMemoryIdempotencyStore.ofDefaults();
  }
}
