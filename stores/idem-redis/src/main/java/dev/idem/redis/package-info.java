/** The Redis idempotency store: build one with {@link RedisIdempotencyStore#builder()}. */
package dev.idem.redis;
