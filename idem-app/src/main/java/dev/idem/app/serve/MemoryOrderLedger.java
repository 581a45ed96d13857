package dev.idem.app.serve;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Orders in this JVM's memory, for {@code --store memory}. */
final class MemoryOrderLedger implements OrderLedger {
  private final Map<String, Map<String, Order>> byTenant = new ConcurrentHashMap<>();

  @Override
  public void record(Order order) {
    byTenant.computeIfAbsent(order.tenant(), t -> new ConcurrentHashMap<>()).put(order.id(), order);
  }

  @Override
  public Optional<Order> find(String tenant, String id) {
    return Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(id));
  }

  @Override
  public long count(String tenant) {
    return byTenant.getOrDefault(tenant, Map.of()).size();
  }
}
