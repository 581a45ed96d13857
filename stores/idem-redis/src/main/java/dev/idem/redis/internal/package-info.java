/** Implementation of the Redis store: its Lua scripts and connection handling. Not API. */
package dev.idem.redis.internal;
