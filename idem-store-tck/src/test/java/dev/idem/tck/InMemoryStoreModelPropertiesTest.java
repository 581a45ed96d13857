package dev.idem.tck;

import dev.idem.InMemoryIdempotencyStore;
import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;

class InMemoryStoreModelPropertiesTest extends IdempotencyStoreModelProperties {
  @Override
  protected IdempotencyStore newStore(ManualClock clock) {
    return InMemoryIdempotencyStore.builder().clock(clock).build();
  }
}
