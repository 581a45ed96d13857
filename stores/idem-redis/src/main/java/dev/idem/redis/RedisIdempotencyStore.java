package dev.idem.redis;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.redis.internal.Connector;
import dev.idem.redis.internal.PackedRecord;
import dev.idem.redis.internal.Scripts;
import dev.idem.redis.internal.Scripts.Script;
import dev.idem.redis.internal.ServerClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
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
 * <p>Each record is one Redis string under {@code keyPrefix + key}: a fixed ASCII header (state,
 * fingerprint, times) followed by the lease token or the result. An acquire is one native {@code
 * SET key claim NX PX lease GET}, which both claims an absent key and returns a completed record
 * for replay in a single round trip; on servers before 7.0, which refuse NX with GET, the same is
 * done by a Lua script. Complete, renew, release, purge and find are Lua scripts that touch only
 * that key, so every transition is atomic and Cluster-safe; scripts are called by SHA and sent in
 * full only when the server answers NOSCRIPT. A lease is the key's own expiry, and completions and
 * {@link #find} read the Redis server's clock ({@code TIME}), so application instances with skewed
 * clocks agree and nothing needs sweeping. Every write after acquire is fenced by the lease token.
 * The expiry an acquire reports is the server's clock estimated from a recent {@code TIME} reading
 * (the claim itself cannot read it): early by at most a round trip, never late.
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
 * <p>A lease or retention longer than {@link Idempotency#MAX_DURATION} is capped to it (the engine
 * never asks for more), so that every time fits the record's header.
 *
 * <p>Thread-safe; share one instance. No method accepts or returns null.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

  /** The default prefix of every key the store writes. */
  public static final String DEFAULT_KEY_PREFIX = "idem:";

  /** The default largest result {@link #complete} stores, in bytes: 1 MiB. */
  public static final int DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

  /**
   * The largest {@link Builder#maxResultBytes} allowed: a record is one Redis string, which Redis
   * limits to 512 MB ({@code proto-max-bulk-len}), and the record's header comes first.
   */
  public static final long MAX_RESULT_BYTES_LIMIT = 512L * 1024 * 1024 - PackedRecord.HEADER;

  /** The default time to wait for one Redis command before giving up. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  // A key can vanish or reappear between a claim and the PTTL that follows it; each retry sees a
  // newer state, so a small bound only guards against a broken server.
  private static final int MAX_ACQUIRE_ATTEMPTS = 50;

  private static final long MAX_DURATION_MILLIS = Idempotency.MAX_DURATION.toMillis();

  private final Connector connector;
  private final String keyPrefix;
  private final byte[] keyPrefixBytes;
  private final long commandTimeoutNanos;
  private final Duration commandTimeout;
  private final long maxResultBytes;
  private final ServerClock serverClock;
  // Cleared for good on the first server that refuses SET with both NX and GET (before 7.0).
  private volatile boolean nativeClaim = true;

  // A claim that found the key taken wrote nothing (SET NX, or the CLAIM script, answers with the
  // existing value instead), so its lease token was never stored anywhere and is as fresh as a new
  // one. Replays keep such tokens here for the next acquire instead of drawing a new one from the
  // CSPRNG each time. Only a reply proves that nothing was written: a token whose command failed
  // or timed out is dropped. Slots by thread id rather than a ThreadLocal, so that virtual threads
  // leave nothing behind; a slot is taken with getAndSet, so no two callers hold one token. Slots
  // are a cache line apart (16 references), so that callers on different cores do not contend.
  private static final int SPARE_TOKEN_SLOTS = 16;
  private static final int SPARE_TOKEN_STRIDE = 16;
  private final AtomicReferenceArray<UnusedToken> spareTokens =
      new AtomicReferenceArray<>(SPARE_TOKEN_SLOTS * SPARE_TOKEN_STRIDE);

  private RedisIdempotencyStore(Builder builder) {
    this.connector = Objects.requireNonNull(builder.connector);
    this.keyPrefix = builder.keyPrefix;
    this.keyPrefixBytes = builder.keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.commandTimeout = builder.commandTimeout;
    this.commandTimeoutNanos = builder.commandTimeout.toNanos();
    this.maxResultBytes = builder.maxResultBytes;
    this.serverClock =
        new ServerClock(
            () -> commands("acquire", System.nanoTime() + commandTimeoutNanos),
            commandTimeout,
            this::unavailableTime);
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
    byte[] redisKey = redisKey(key);
    byte[] fingerprintHex = ascii(fingerprint.hex());
    int slot =
        ((int) Thread.currentThread().getId() & (SPARE_TOKEN_SLOTS - 1)) * SPARE_TOKEN_STRIDE;
    UnusedToken token = spareTokens.getAndSet(slot, null);
    if (token == null) {
      token = UnusedToken.random();
    }
    byte[] claim = PackedRecord.claim(fingerprintHex, leaseMillis, token.bytes());
    // The first reading of the server's clock is taken before claiming, not after: a claim whose
    // caller then failed on the clock would stay in Redis under a token nobody holds.
    serverClock.ensureMeasured();
    for (int attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS; attempt++) {
      byte @Nullable [] existing = claimOrGet(redisKey, claim, leaseMillis);
      if (existing == null) {
        return new AcquireResult.Acquired(
            token.token(), Instant.ofEpochMilli(serverClock.estimateMillis() + leaseMillis));
      }
      PackedRecord.Parsed record = parse(key, existing);
      // Nothing was written, so the token stays unused (see spareTokens) — unless the record is
      // our own claim: Lettuce re-sends a command after a reconnect, and a first send that did
      // claim makes the second one find it. That token is in Redis; never reuse it.
      boolean spared =
          record.state() == PackedRecord.COMPLETED || !token.token().value().equals(record.token());
      if (spared) {
        spareTokens.lazySet(slot, token);
      }
      if (!record.hasFingerprint(fingerprintHex)) {
        return new AcquireResult.Mismatch(state(record));
      }
      if (record.state() == PackedRecord.COMPLETED) {
        return new AcquireResult.Completed(completed(key, fingerprint, record));
      }
      // In progress: how long is left is the key's TTL, which the value does not carry. Read the
      // clock before asking, so that the expiry of our own claim errs early, never late.
      long beforePttl = spared ? 0 : serverClock.estimateMillis();
      long left = (Long) call("acquire", commands -> commands.pttl(redisKey), false);
      if (left > 0) {
        if (!spared) {
          // Our own claim, written by an earlier send of this very command: it is ours to hold.
          // Answering InProgress would leave the key claimed under a token nobody holds, and
          // every caller, this one's retries included, refused for the whole lease.
          return new AcquireResult.Acquired(token.token(), Instant.ofEpochMilli(beforePttl + left));
        }
        return new AcquireResult.InProgress(Duration.ofMillis(left));
      }
      if (left == -1) {
        throw corrupt(key, new PackedRecord.CorruptRecordException("in progress with no expiry"));
      }
      // Gone since (-2), or in its last millisecond (0): claim again, with the token back out of
      // the spare slot so that no other caller can claim with it meanwhile.
      if (!spared || !spareTokens.compareAndSet(slot, token, null)) {
        token = UnusedToken.random();
        claim = PackedRecord.claim(fingerprintHex, leaseMillis, token.bytes());
      }
    }
    throw new StoreUnavailableException(
        "Redis idempotency store (key prefix "
            + keyPrefix
            + ") could not acquire "
            + key
            + ": the record kept changing under "
            + MAX_ACQUIRE_ATTEMPTS
            + " attempts",
        null);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ResultTooLargeException if {@code result} is longer than {@link #maxResultBytes()};
   *     nothing is sent, and the record stays in progress under the caller's lease
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
    // Refused here rather than by Redis: a result over Redis's 512 MB string limit, or too large
    // to send within the command timeout, would fail as StoreUnavailable, which the engine gives
    // up on with the key still claimed; this exception makes it release the key instead.
    if (result.length > maxResultBytes) {
      throw new ResultTooLargeException(
          "Redis idempotency store (key prefix " + keyPrefix + ")", result.length, maxResultBytes);
    }
    // The codec writes the array as it is when the command is sent, after this method may have
    // returned on a timeout: copy it so the caller can reuse theirs.
    return written(
        run(
            Scripts.COMPLETE,
            key,
            utf8(token.value()),
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
    return written(run(Scripts.RENEW, key, utf8(token.value()), ascii(Long.toString(leaseMillis))));
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
    return written(run(Scripts.RELEASE, key, utf8(token.value())));
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
    PackedRecord.Parsed record = parse(key, (byte[]) reply.get(0));
    long ttl = (Long) reply.get(1);
    long now = (Long) reply.get(2);
    Fingerprint fingerprint = Fingerprint.ofHex(record.fingerprintHex());
    if (record.state() == PackedRecord.COMPLETED) {
      return Optional.of(completed(key, fingerprint, record));
    }
    if (ttl < 0) {
      throw corrupt(key, new PackedRecord.CorruptRecordException("in progress with no expiry"));
    }
    long expiresAt = now + ttl;
    long createdAt =
        record.state() == PackedRecord.CLAIMED
            ? Math.min(now, expiresAt - record.first())
            : record.first();
    return Optional.of(
        new IdempotencyRecord(
            key,
            RecordState.IN_PROGRESS,
            fingerprint,
            new LeaseToken(Objects.requireNonNull(record.token())),
            Instant.ofEpochMilli(createdAt),
            Instant.ofEpochMilli(expiresAt),
            null,
            null));
  }

  /**
   * Closes the connection the store opened from a client; a client or connection passed to the
   * builder stays open. Idempotent.
   */
  @Override
  public void close() {
    connector.close();
  }

  /** The largest result {@link #complete} stores, in bytes ({@link Builder#maxResultBytes}). */
  @Override
  public long maxResultBytes() {
    return maxResultBytes;
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
        + ", maxResultBytes="
        + maxResultBytes
        + ", on "
        + connector.description()
        + "]";
  }

  // ---- talking to Redis -----------------------------------------------------------------------

  /**
   * {@code SET key claim NX PX lease GET}: one native command that claims an absent key or returns
   * what is there. Servers before 7.0 refuse NX with GET as a syntax error; from then on this store
   * sends the {@link Scripts#CLAIM} script, which answers the same way.
   */
  private byte @Nullable [] claimOrGet(byte[] redisKey, byte[] claim, long leaseMillis) {
    if (nativeClaim) {
      long deadline = System.nanoTime() + commandTimeoutNanos;
      RedisClusterAsyncCommands<byte[], byte[]> commands = commands("acquire", deadline);
      try {
        return await(
            "acquire",
            commands.setGet(redisKey, claim, SetArgs.Builder.nx().px(leaseMillis)),
            deadline,
            true);
      } catch (ErrorReply e) {
        String message = e.getMessage();
        if (message == null || !message.contains("syntax error")) {
          throw unavailable("acquire", describe(e.getCause()), e.getCause());
        }
        nativeClaim = false;
      } catch (RedisException e) {
        throw unavailable("acquire", describe(e), e);
      }
    }
    return (byte[]) runOn(Scripts.CLAIM, redisKey, claim, ascii(Long.toString(leaseMillis)));
  }

  /** The connection's commands; a first connect counts against the command's own deadline. */
  private RedisClusterAsyncCommands<byte[], byte[]> commands(String operation, long deadlineNanos) {
    try {
      return connector.commands(deadlineNanos);
    } catch (RedisException e) {
      throw unavailable(operation, "cannot connect to Redis: " + describe(e), e);
    }
  }

  /** One native command; {@code nullable}: whether nil is an answer rather than a fault. */
  private @Nullable Object call(
      String operation,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<?>> command,
      boolean nullable) {
    long deadline = System.nanoTime() + commandTimeoutNanos;
    RedisClusterAsyncCommands<byte[], byte[]> commands = commands(operation, deadline);
    try {
      // Issued inside the try: Lettuce throws some failures (a closed connection) from the call
      // itself rather than through the future, and the SPI promises StoreUnavailableException.
      return await(operation, command.apply(commands), deadline, nullable);
    } catch (ErrorReply e) {
      throw unavailable(operation, describe(e.getCause()), e.getCause());
    } catch (RedisException e) {
      throw unavailable(operation, describe(e), e);
    }
  }

  private Object run(Script script, StoreKey key, byte[]... args) {
    return Objects.requireNonNull(runOn(script, redisKey(key), args));
  }

  private @Nullable Object runOn(Script script, byte[] redisKey, byte[]... args) {
    byte[][] keys = {redisKey};
    long deadline = System.nanoTime() + commandTimeoutNanos;
    RedisClusterAsyncCommands<byte[], byte[]> commands = commands(script.name(), deadline);
    boolean nullable = script.outputType() == ScriptOutputType.VALUE;
    try {
      try {
        return await(
            script.name(),
            commands.evalsha(script.sha1(), script.outputType(), keys, args),
            deadline,
            nullable);
      } catch (ErrorReply e) {
        if (!e.isNoScript()) {
          throw unavailable(script.name(), describe(e.getCause()), e.getCause());
        }
        // Not cached on this server (restart, failover, SCRIPT FLUSH, a new Cluster node): EVAL
        // runs it and caches it, so later calls go by SHA again.
        return await(
            script.name(),
            commands.eval(script.source(), script.outputType(), keys, args),
            deadline,
            nullable);
      }
    } catch (ErrorReply e) {
      throw unavailable(
          script.name(),
          e.isNoScript()
              ? "Redis refused the script right after loading it"
              : describe(e.getCause()),
          e.getCause());
    } catch (RedisException e) {
      // Lettuce reports most failures through the future, but some (a closed connection) it
      // throws when the command is issued.
      throw unavailable(script.name(), describe(e), e);
    }
  }

  private <T> @Nullable T await(
      String operation, RedisFuture<T> future, long deadlineNanos, boolean nullable)
      throws ErrorReply {
    try {
      T reply = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (reply == null && !nullable) {
        throw unexpected(operation, null);
      }
      return reply;
    } catch (TimeoutException e) {
      // Drop it from the queue if it has not been written yet (e.g. while reconnecting).
      future.cancel(false);
      throw unavailable(operation, "no answer within " + commandTimeout, e);
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw unavailable(operation, "interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RedisCommandExecutionException) {
        throw new ErrorReply(cause);
      }
      throw unavailable(operation, describe(cause), cause);
    } catch (CancellationException e) {
      throw unavailable(operation, "the command was cancelled (connection closed?)", e);
    }
  }

  private StoreUnavailableException unavailable(String operation, String what, Throwable cause) {
    return new StoreUnavailableException(
        "Redis idempotency store (key prefix "
            + keyPrefix
            + ") could not "
            + operation
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

  /** A lease token no record holds, with the bytes a claim writes. */
  private record UnusedToken(LeaseToken token, byte[] bytes) {
    static UnusedToken random() {
      LeaseToken token = LeaseToken.random();
      return new UnusedToken(token, utf8(token.value()));
    }
  }

  /** An error reply from Redis (NOSCRIPT, a syntax error, WRONGTYPE), for the caller to judge. */
  private static final class ErrorReply extends Exception {
    private static final long serialVersionUID = 1L;

    ErrorReply(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }

    boolean isNoScript() {
      String message = getMessage();
      return getCause() instanceof RedisNoScriptException
          || (message != null && message.startsWith("NOSCRIPT"));
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

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private PackedRecord.Parsed parse(StoreKey key, byte[] value) {
    try {
      return PackedRecord.parse(value);
    } catch (PackedRecord.CorruptRecordException e) {
      throw corrupt(key, e);
    }
  }

  private StoreUnavailableException unavailableTime(Throwable cause) {
    // Only acquire reads the clock this way; name the operation the caller called.
    return unavailable("acquire", "cannot read the server's clock: " + describe(cause), cause);
  }

  private IllegalStateException corrupt(StoreKey key, RuntimeException cause) {
    return new IllegalStateException(
        "the value under Redis key "
            + keyPrefix
            + key.hex()
            + " is "
            + cause.getMessage()
            + "; delete it (purge) if nothing else owns it",
        cause);
  }

  private static RecordState state(PackedRecord.Parsed record) {
    return record.state() == PackedRecord.COMPLETED
        ? RecordState.COMPLETED
        : RecordState.IN_PROGRESS;
  }

  private static IdempotencyRecord completed(
      StoreKey key, Fingerprint fingerprint, PackedRecord.Parsed record) {
    return new IdempotencyRecord(
        key,
        RecordState.COMPLETED,
        fingerprint,
        null,
        Instant.ofEpochMilli(record.first()),
        Instant.ofEpochMilli(record.third()),
        Instant.ofEpochMilli(record.second()),
        record.tail());
  }

  private static WriteResult written(Object reply) {
    return ((Long) reply) == 1L ? WriteResult.APPLIED : WriteResult.LEASE_LOST;
  }

  /**
   * Whole milliseconds, at least 1 and at most {@link Idempotency#MAX_DURATION}: the engine caps
   * durations there already, but a direct SPI caller is not capped, and a time beyond 16 digits
   * would overflow the record's fixed-width header (and Duration.toMillis() overflows long).
   */
  private static long positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    if (duration.compareTo(Idempotency.MAX_DURATION) > 0) {
      return MAX_DURATION_MILLIS;
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
    private long maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
    private boolean keyPrefixSet;
    private boolean commandTimeoutSet;
    private boolean maxResultBytesSet;

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
     * The largest result {@code complete} stores, in bytes; a larger one is refused with {@link
     * ResultTooLargeException} before anything is sent, never truncated, so that the engine
     * releases the key. Default 1 MiB; at most {@link RedisIdempotencyStore#MAX_RESULT_BYTES_LIMIT}
     * (Redis's 512 MB string limit less the record's header). Mind that a result must also reach
     * Redis within {@link #commandTimeout}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder maxResultBytes(long maxResultBytes) {
      if (maxResultBytesSet) {
        throw new IllegalStateException("maxResultBytes was already set");
      }
      this.maxResultBytes = maxResultBytes;
      maxResultBytesSet = true;
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
      if (maxResultBytes < 1 || maxResultBytes > MAX_RESULT_BYTES_LIMIT) {
        problems.add(
            "maxResultBytes must be 1 to "
                + MAX_RESULT_BYTES_LIMIT
                + " (Redis's 512 MB string limit less the record's header), was "
                + maxResultBytes);
      }
      ConfigProblems.throwIfAny("RedisIdempotencyStore", problems);
      return new RedisIdempotencyStore(this);
    }
  }
}
