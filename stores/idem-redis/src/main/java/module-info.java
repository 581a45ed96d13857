/**
 * Idem's Redis store: {@link dev.idem.redis.RedisIdempotencyStore} on Lettuce, for standalone,
 * Sentinel and Cluster deployments.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.redis {
  requires transitive dev.idem.core;
  requires transitive lettuce.core;
  requires static org.jspecify;

  exports dev.idem.redis;
}
