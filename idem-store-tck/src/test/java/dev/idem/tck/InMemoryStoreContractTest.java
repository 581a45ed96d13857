package dev.idem.tck;

import dev.idem.InMemoryIdempotencyStore;
import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryIdempotencyStore passes the store contract")
class InMemoryStoreContractTest extends IdempotencyStoreContract {
  @Override
  protected IdempotencyStore newStore(ManualClock clock) {
    return InMemoryIdempotencyStore.builder().clock(clock).build();
  }
}
