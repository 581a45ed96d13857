package dev.idem.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Orders in one Redis hash per tenant, beside the idempotency records. */
final class RedisOrderLedger implements OrderLedger {
  private final StringRedisTemplate redis;
  private final ObjectMapper json;
  private final String prefix;

  RedisOrderLedger(StringRedisTemplate redis, ObjectMapper json, String keyPrefix) {
    this.redis = redis;
    this.json = json;
    this.prefix = keyPrefix + "demo-orders:";
  }

  @Override
  public void record(Order order) {
    try {
      redis.opsForHash().put(prefix + order.tenant(), order.id(), json.writeValueAsString(order));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an order did not serialize", e);
    }
  }

  @Override
  public Optional<Order> find(String tenant, String id) {
    Object value = redis.opsForHash().get(prefix + tenant, id);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(value.toString(), Order.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored order did not parse", e);
    }
  }

  @Override
  public long count(String tenant) {
    Long size = redis.opsForHash().size(prefix + tenant);
    return size == null ? 0 : size;
  }
}
