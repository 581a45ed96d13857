package dev.idem.app.serve;

import java.util.Optional;

/**
 * Where the demo API records its orders: the side-effect counter the dedup simulator and the
 * multi-instance tests read. It lives in the same place as the idempotency records (memory, a SQL
 * database or Redis) so that every instance sharing a store also shares the count. Thread-safe.
 */
public interface OrderLedger {

  /** Records an order; called once per execution of the handler. */
  void record(Order order);

  /** The order of this tenant with this id, if any. */
  Optional<Order> find(String tenant, String id);

  /** How many orders this tenant has. */
  long count(String tenant);
}
