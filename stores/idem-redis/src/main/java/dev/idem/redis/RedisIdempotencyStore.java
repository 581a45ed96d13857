package dev.idem.redis;

import dev.idem.Fingerprint;
import dev.idem.redis.internal.Connector;
import dev.idem.redis.internal.Scripts;
import dev.idem.redis.internal.Scripts.Script;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} on Redis, through a Lettuce client or connection the caller already
 * has: standalone, Sentinel ({@code redis-sentinel://} URI) or Cluster.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create("redis://localhost:6379");
 * IdempotencyStore store = RedisIdempotencyStore.builder().client(client).build();
 * }</pre>
 *
 * <p>Each record is one Redis hash under {@code keyPrefix + key}. Every transition (acquire,
 * complete, renew, release, purge) is one Lua script that touches only that key, so it is atomic
 * and Cluster-safe; scripts are called by SHA and sent in full only when the server answers
 * NOSCRIPT. Leases and retention are measured by the Redis server's clock ({@code TIME}) and
 * enforced by its own expiry ({@code PEXPIRE} in the same script), so application instances with
 * skewed clocks agree and nothing needs sweeping. Every write after acquire is fenced by the lease
 * token.
 *
 * <p>When Redis cannot be reached or does not answer within {@link Builder#commandTimeout}, every
 * method throws {@link StoreUnavailableException}; it never answers as if the record were absent. A
 * command that timed out may still reach Redis later: an acquire that does so leaves a claim that
 * lapses after its lease.
 *
 * <p>Durability is Redis's: without AOF ({@code appendonly yes}), a restart or a failover to a
 * replica that had not received the latest writes loses records, and retries of the lost keys run
 * again. See the module README.
 *
 * <p>Thread-safe; share one instance. No method accepts or returns null.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

  /** The default prefix of every key the store writes. */
  public static final String DEFAULT_KEY_PREFIX = "idem:";

  /** The default time to wait for one Redis command before giving up. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private static final byte[] ACQUIRED = {'A'};
  private static final byte[] IN_PROGRESS = {'P'};
  private static final byte[] MISMATCH = {'M'};
  private static final byte[] COMPLETED = {'C'};

  private final Connector connector;
  private final String keyPrefix;
  private final byte[] keyPrefixBytes;
  private final long commandTimeoutNanos;
  private final Duration commandTimeout;

  private RedisIdempotencyStore(Builder builder) {
    this.connector = Objects.requireNonNull(builder.connector);
    this.keyPrefix = builder.keyPrefix;
    this.keyPrefixBytes = builder.keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.commandTimeout = builder.commandTimeout;
    this.commandTimeoutNanos = builder.commandTimeout.toNanos();
  }

  /** A builder for a store; use it once. Not thread-safe. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalArgumentException if {@code lease} is not positive
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    long leaseMillis = positiveMillis(lease, "lease");
    LeaseToken token = LeaseToken.random();
    List<?> reply =
        (List<?>)
            run(
                Scripts.ACQUIRE,
                key,
                ascii(fingerprint.hex()),
                ascii(token.value()),
                ascii(Long.toString(leaseMillis)));
    byte[] kind = (byte[]) reply.get(0);
    if (Arrays.equals(kind, ACQUIRED)) {
      return new AcquireResult.Acquired(token, Instant.ofEpochMilli((Long) reply.get(1)));
    }
    if (Arrays.equals(kind, IN_PROGRESS)) {
      return new AcquireResult.InProgress(Duration.ofMillis(Math.max(1, (Long) reply.get(1))));
    }
    if (Arrays.equals(kind, MISMATCH)) {
      return new AcquireResult.Mismatch(state((byte[]) reply.get(1)));
    }
    if (Arrays.equals(kind, COMPLETED)) {
      return new AcquireResult.Completed(
          new IdempotencyRecord(
              key,
              RecordState.COMPLETED,
              Fingerprint.ofHex(text(reply.get(1))),
              null,
              millis(reply.get(2)),
              millis(reply.get(3)),
              millis(reply.get(4)),
              (byte[]) reply.get(5)));
    }
    throw unexpected("acquire", reply);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalArgumentException if {@code retention} is not positive
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = positiveMillis(retention, "retention");
    // The codec writes the array as it is when the command is sent, after this method may have
    // returned on a timeout: copy it so the caller can reuse theirs.
    return written(
        run(
            Scripts.COMPLETE,
            key,
            ascii(token.value()),
            result.clone(),
            ascii(Long.toString(retentionMillis))));
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalArgumentException if {@code lease} is not positive
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long leaseMillis = positiveMillis(lease, "lease");
    return written(
        run(Scripts.RENEW, key, ascii(token.value()), ascii(Long.toString(leaseMillis))));
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public WriteResult release(StoreKey key, LeaseToken token) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    return written(run(Scripts.RELEASE, key, ascii(token.value())));
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public boolean purge(StoreKey key) {
    Objects.requireNonNull(key, "key");
    return ((Long) run(Scripts.PURGE, key)) == 1L;
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if Redis cannot be reached or does not answer in time
   * @throws IllegalStateException if the store was closed
   */
  @Override
  public Optional<IdempotencyRecord> find(StoreKey key) {
    Objects.requireNonNull(key, "key");
    List<?> reply = (List<?>) run(Scripts.FIND, key);
    if (reply.isEmpty()) {
      return Optional.empty();
    }
    RecordState state = state((byte[]) reply.get(0));
    boolean completed = state == RecordState.COMPLETED;
    return Optional.of(
        new IdempotencyRecord(
            key,
            state,
            Fingerprint.ofHex(text(reply.get(1))),
            completed ? null : new LeaseToken(text(reply.get(2))),
            millis(reply.get(3)),
            millis(reply.get(4)),
            completed ? millis(reply.get(5)) : null,
            completed ? (byte[]) reply.get(6) : null));
  }

  /**
   * Closes the connection the store opened from a client; a client or connection passed to the
   * builder stays open. Idempotent.
   */
  @Override
  public void close() {
    connector.close();
  }

  /** The prefix of every key this store writes. */
  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public String toString() {
    return "RedisIdempotencyStore[keyPrefix="
        + keyPrefix
        + ", commandTimeout="
        + commandTimeout
        + ", on "
        + connector.description()
        + "]";
  }

  // ---- running scripts ------------------------------------------------------------------------

  private Object run(Script script, StoreKey key, byte[]... args) {
    byte[][] keys = {redisKey(key)};
    long deadline = System.nanoTime() + commandTimeoutNanos;
    RedisScriptingAsyncCommands<byte[], byte[]> commands;
    try {
      commands = connector.commands();
    } catch (RedisException e) {
      throw unavailable(script, "cannot connect to Redis", e);
    }
    try {
      try {
        return await(
            commands.evalsha(script.sha1(), script.outputType(), keys, args), script, deadline);
      } catch (NoScript e) {
        // Not cached on this server (restart, failover, SCRIPT FLUSH, a new Cluster node): EVAL
        // runs it and caches it, so later calls go by SHA again.
        return await(
            commands.eval(script.source(), script.outputType(), keys, args), script, deadline);
      }
    } catch (NoScript e) {
      throw unavailable(script, "Redis refused the script right after loading it", e);
    } catch (RedisException e) {
      // Lettuce reports most failures through the future, but some (a closed connection) it
      // throws when the command is issued.
      throw unavailable(script, describe(e), e);
    }
  }

  private Object await(RedisFuture<Object> future, Script script, long deadlineNanos)
      throws NoScript {
    try {
      Object reply =
          future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (reply == null) {
        throw unexpected(script.name(), null);
      }
      return reply;
    } catch (TimeoutException e) {
      // Drop it from the queue if it has not been written yet (e.g. while reconnecting).
      future.cancel(false);
      throw unavailable(script, "no answer within " + commandTimeout, e);
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw unavailable(script, "interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RedisNoScriptException
          || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"))) {
        throw new NoScript(cause);
      }
      throw unavailable(script, describe(cause), cause);
    } catch (CancellationException e) {
      throw unavailable(script, "the command was cancelled (connection closed?)", e);
    }
  }

  private StoreUnavailableException unavailable(Script script, String what, Throwable cause) {
    return new StoreUnavailableException(
        "Redis idempotency store (key prefix "
            + keyPrefix
            + ") could not "
            + script.name()
            + ": "
            + what,
        cause);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static IllegalStateException unexpected(String operation, @Nullable Object reply) {
    return new IllegalStateException("unexpected reply to the " + operation + " script: " + reply);
  }

  /** A NOSCRIPT answer, handled by sending the script itself. */
  private static final class NoScript extends Exception {
    private static final long serialVersionUID = 1L;

    NoScript(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  // ---- encoding -------------------------------------------------------------------------------

  private byte[] redisKey(StoreKey key) {
    String hex = key.hex();
    byte[] out = new byte[keyPrefixBytes.length + hex.length()];
    System.arraycopy(keyPrefixBytes, 0, out, 0, keyPrefixBytes.length);
    for (int i = 0; i < hex.length(); i++) {
      out[keyPrefixBytes.length + i] = (byte) hex.charAt(i);
    }
    return out;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(Object bytes) {
    return new String((byte[]) bytes, StandardCharsets.US_ASCII);
  }

  private static Instant millis(Object bytes) {
    return Instant.ofEpochMilli(Long.parseLong(text(bytes)));
  }

  private static RecordState state(byte[] code) {
    if (Arrays.equals(code, IN_PROGRESS)) {
      return RecordState.IN_PROGRESS;
    }
    if (Arrays.equals(code, COMPLETED)) {
      return RecordState.COMPLETED;
    }
    throw new IllegalStateException("unknown record state in Redis: " + text(code));
  }

  private static WriteResult written(Object reply) {
    return ((Long) reply) == 1L ? WriteResult.APPLIED : WriteResult.LEASE_LOST;
  }

  private static long positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    return Math.max(1, duration.toMillis());
  }

  /**
   * Configures a {@link RedisIdempotencyStore}. Set exactly one of the {@code client} or {@code
   * connection} options; every option may be set once. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Connector connector;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private boolean keyPrefixSet;
    private boolean commandTimeoutSet;

    private Builder() {}

    /**
     * The client to open the store's connection from: a standalone or Sentinel ({@code
     * redis-sentinel://…}) {@link RedisClient}. The store opens one connection on first use and
     * closes it on {@link RedisIdempotencyStore#close()}; the client itself is the caller's and is
     * never shut down by the store.
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalStateException if a client or connection was already set
     */
    public Builder client(RedisClient client) {
      return source(Connector.of(Objects.requireNonNull(client, "client")));
    }

    /**
     * The Cluster client to open the store's connection from; as {@link #client(RedisClient)}.
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalStateException if a client or connection was already set
     */
    public Builder client(RedisClusterClient client) {
      return source(Connector.of(Objects.requireNonNull(client, "client")));
    }

    /**
     * An open connection with a byte-array codec ({@code client.connect(ByteArrayCodec.INSTANCE)})
     * for the store to share; the store never closes it.
     *
     * @throws NullPointerException if {@code connection} is null
     * @throws IllegalStateException if a client or connection was already set
     */
    public Builder connection(StatefulRedisConnection<byte[], byte[]> connection) {
      return source(Connector.of(Objects.requireNonNull(connection, "connection")));
    }

    /**
     * An open Cluster connection with a byte-array codec for the store to share; the store never
     * closes it.
     *
     * @throws NullPointerException if {@code connection} is null
     * @throws IllegalStateException if a client or connection was already set
     */
    public Builder connection(StatefulRedisClusterConnection<byte[], byte[]> connection) {
      return source(Connector.of(Objects.requireNonNull(connection, "connection")));
    }

    private Builder source(Connector connector) {
      if (this.connector != null) {
        throw new IllegalStateException("a Redis client or connection was already set");
      }
      this.connector = connector;
      return this;
    }

    /**
     * The prefix of every key the store writes, so records do not collide with the application's
     * other keys and several stores can share a server. Default {@value
     * RedisIdempotencyStore#DEFAULT_KEY_PREFIX}. Avoid braces: a {@code {hash tag}} in the prefix
     * would put every record in one Cluster slot.
     *
     * @throws NullPointerException if {@code keyPrefix} is null
     * @throws IllegalStateException if already set
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefixSet) {
        throw new IllegalStateException("keyPrefix was already set");
      }
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      keyPrefixSet = true;
      return this;
    }

    /**
     * How long one store call waits for Redis before it throws {@link StoreUnavailableException},
     * covering a NOSCRIPT retry too. Default 2 s. Keep it well below the lease.
     *
     * @throws NullPointerException if {@code commandTimeout} is null
     * @throws IllegalStateException if already set
     */
    public Builder commandTimeout(Duration commandTimeout) {
      if (commandTimeoutSet) {
        throw new IllegalStateException("commandTimeout was already set");
      }
      this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
      commandTimeoutSet = true;
      return this;
    }

    /**
     * Builds the store. Connects lazily: building succeeds while Redis is down.
     *
     * @throws IllegalArgumentException listing every invalid or missing option
     */
    public RedisIdempotencyStore build() {
      List<String> problems = new ArrayList<>();
      if (connector == null) {
        problems.add("set a client (RedisClient or RedisClusterClient) or a connection");
      }
      if (keyPrefix.isEmpty()) {
        problems.add("keyPrefix must not be empty: the store would share the key space bare");
      } else if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        problems.add(
            "keyPrefix must not contain '{' or '}': a hash tag would put every record in one"
                + " Cluster slot, was "
                + keyPrefix);
      }
      if (commandTimeout.isZero() || commandTimeout.isNegative()) {
        problems.add("commandTimeout must be positive, was " + commandTimeout);
      }
      ConfigProblems.throwIfAny("RedisIdempotencyStore", problems);
      return new RedisIdempotencyStore(this);
    }
  }
}
