package dev.idem.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The store's way to Redis: a connection it opens itself from the caller's client (standalone,
 * Sentinel or Cluster) and closes on {@link #close()}, or a connection the caller passed in, which
 * it never closes. Lettuce connections are thread-safe and pipeline concurrent commands, so one is
 * shared by all threads.
 *
 * <p>The connection is opened on first use, not at construction, so a store can be built while
 * Redis is down; until it comes up every call fails with the connect error, or when the connect
 * outlasts the caller's deadline (which the store turns into StoreUnavailableException), and the
 * next call after a failed connect tries again.
 */
public final class Connector implements AutoCloseable {
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final boolean owned;
  private final String description;
  private volatile @Nullable StatefulConnection<byte[], byte[]> connection;
  private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;
  private boolean closed;
  // The connect in progress, shared by every caller waiting for it; guarded by this.
  private @Nullable CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending;

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
   * The commands of the (possibly newly opened) connection, waiting for a connect in progress no
   * later than {@code deadlineNanos}.
   *
   * <p>A connect is never made on the caller's thread: Lettuce's own connect timeout (60 s unless
   * the URI says otherwise) knows nothing of the store's command timeout, and callers queued behind
   * one connecting caller would each wait for it in turn. Instead one connect runs in the
   * background and every caller waits for it, each until its own deadline; a caller whose deadline
   * passes leaves it running, so that the next caller can still use its connection. A connect that
   * failed is started afresh by the next caller.
   *
   * @param deadlineNanos on the {@link System#nanoTime()} scale
   * @throws io.lettuce.core.RedisException if the connection cannot be opened, or is not open by
   *     the deadline
   * @throws IllegalStateException if the store was closed
   */
  public RedisClusterAsyncCommands<byte[], byte[]> commands(long deadlineNanos) {
    RedisClusterAsyncCommands<byte[], byte[]> current = commands;
    if (current != null) {
      return current;
    }
    CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connecting;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the store is closed");
      }
      if (commands != null) {
        return commands;
      }
      // A finished one failed (a success would have set commands); the store was not closed.
      if (pending == null || pending.isDone()) {
        pending = connect();
      }
      connecting = pending;
    }
    try {
      return connecting.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RedisConnectionException(
          "not connected to Redis within the command timeout; still connecting in the background");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisConnectionException("interrupted while connecting to Redis", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof IllegalStateException closedMeanwhile) {
        throw closedMeanwhile;
      }
      if (cause instanceof RedisException redis) {
        throw redis;
      }
      throw new RedisConnectionException("cannot connect to Redis", cause);
    }
  }

  /** Starts one connect; called with the lock held. */
  private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connect() {
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> opening;
    if (clusterClient != null) {
      opening = clusterClient.connectAsync(ByteArrayCodec.INSTANCE);
    } else {
      // RedisClient.connectAsync needs the RedisURI, which the client does not give out; its
      // blocking connect(codec) knows it (standalone or Sentinel). So that blocking call runs on a
      // thread of its own, which ends when the connect does (by Lettuce's own timeout at worst).
      RedisClient standalone = Objects.requireNonNull(client);
      opening =
          CompletableFuture.supplyAsync(
              () -> standalone.connect(ByteArrayCodec.INSTANCE),
              task -> {
                Thread thread = new Thread(task, "idem-redis-connect");
                thread.setDaemon(true);
                thread.start();
              });
    }
    return opening.thenApply(this::opened);
  }

  /** Takes a connection that opened, or closes it if the store was closed while it was opening. */
  private synchronized RedisClusterAsyncCommands<byte[], byte[]> opened(
      StatefulConnection<byte[], byte[]> opened) {
    if (closed) {
      opened.closeAsync();
      throw new IllegalStateException("the store is closed");
    }
    RedisClusterAsyncCommands<byte[], byte[]> async =
        opened instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster
            ? cluster.async()
            : ((StatefulRedisConnection<byte[], byte[]>) opened).async();
    connection = opened;
    commands = async;
    pending = null;
    return async;
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
