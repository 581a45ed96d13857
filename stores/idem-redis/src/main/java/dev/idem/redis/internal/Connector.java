package dev.idem.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The store's way to Redis: a connection it opens itself from the caller's client (standalone,
 * Sentinel or Cluster) and closes on {@link #close()}, or a connection the caller passed in, which
 * it never closes. Lettuce connections are thread-safe and pipeline concurrent commands, so one is
 * shared by all threads.
 *
 * <p>The connection is opened on first use, not at construction, so a store can be built while
 * Redis is down; until it comes up every call fails with the connect error (which the store turns
 * into StoreUnavailableException) and the next call tries again.
 */
public final class Connector implements AutoCloseable {
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final boolean owned;
  private final String description;
  private volatile @Nullable StatefulConnection<byte[], byte[]> connection;
  private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;
  private boolean closed;

  private Connector(
      @Nullable RedisClient client,
      @Nullable RedisClusterClient clusterClient,
      @Nullable StatefulConnection<byte[], byte[]> connection,
      @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands,
      String description) {
    this.client = client;
    this.clusterClient = clusterClient;
    this.connection = connection;
    this.commands = commands;
    this.owned = connection == null;
    this.description = description;
  }

  /** Opens (lazily) and owns a connection of {@code client}. */
  public static Connector of(RedisClient client) {
    return new Connector(
        Objects.requireNonNull(client, "client"), null, null, null, "a RedisClient");
  }

  /** Opens (lazily) and owns a connection of {@code client}. */
  public static Connector of(RedisClusterClient client) {
    return new Connector(
        null, Objects.requireNonNull(client, "client"), null, null, "a RedisClusterClient");
  }

  /** Uses the caller's connection and never closes it. */
  public static Connector of(StatefulRedisConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return new Connector(null, null, connection, connection.async(), "a given connection");
  }

  /** Uses the caller's cluster connection and never closes it. */
  public static Connector of(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return new Connector(null, null, connection, connection.async(), "a given cluster connection");
  }

  /**
   * The commands of the (possibly newly opened) connection.
   *
   * @throws io.lettuce.core.RedisException if the connection cannot be opened
   * @throws IllegalStateException if the store was closed
   */
  public RedisClusterAsyncCommands<byte[], byte[]> commands() {
    RedisClusterAsyncCommands<byte[], byte[]> current = commands;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the store is closed");
      }
      if (commands == null) {
        if (clusterClient != null) {
          StatefulRedisClusterConnection<byte[], byte[]> opened =
              clusterClient.connect(ByteArrayCodec.INSTANCE);
          connection = opened;
          commands = opened.async();
        } else {
          StatefulRedisConnection<byte[], byte[]> opened =
              Objects.requireNonNull(client).connect(ByteArrayCodec.INSTANCE);
          connection = opened;
          commands = opened.async();
        }
      }
      return Objects.requireNonNull(commands);
    }
  }

  /** What the store runs on, for messages. */
  public String description() {
    return description;
  }

  /** Closes the connection if this connector opened it; a caller's client or connection stays. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    StatefulConnection<byte[], byte[]> current = connection;
    if (owned && current != null) {
      current.close();
    }
    commands = null;
  }
}
