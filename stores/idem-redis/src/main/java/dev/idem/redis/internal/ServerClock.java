package dev.idem.redis.internal;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An estimate of the Redis server's clock, for the expiry a claim reports: a claim is one native
 * {@code SET NX PX}, which cannot read the server's time, while the lease it sets runs on that
 * clock. The offset between the server's {@code TIME} and this JVM's clock is measured once
 * (blocking, on the first claim) and then refreshed in the background every {@link #REFRESH}.
 *
 * <p>The offset is taken against the local time the reply arrived, which is no earlier than the
 * moment the server read its clock, so the estimate errs early by at most one round trip: a claim
 * never reports a lease longer than the one Redis enforces. Thread-safe.
 */
public final class ServerClock {
  /** How old a measured offset may get before it is measured again. */
  public static final Duration REFRESH = Duration.ofSeconds(10);

  private final Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands;
  private final Duration timeout;
  private final Function<Throwable, RuntimeException> failure;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile long offsetMillis;
  private volatile long measuredAtNanos;
  private volatile boolean measured;

  /**
   * @param commands the connection's commands; what it throws, the first measurement throws as is
   * @param failure turns a failed first measurement into the exception the caller throws
   */
  public ServerClock(
      Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands,
      Duration timeout,
      Function<Throwable, RuntimeException> failure) {
    this.commands = commands;
    this.timeout = timeout;
    this.failure = failure;
  }

  /**
   * Takes the first reading if none was taken yet, so that a caller can fail before it writes
   * anything rather than after.
   *
   * @throws RuntimeException from {@code failure}, if the first reading fails
   */
  public void ensureMeasured() {
    if (!measured) {
      measureNow();
    }
  }

  /** The server's current time in epoch milliseconds, estimated. */
  public long estimateMillis() {
    if (!measured) {
      measureNow();
    } else if (System.nanoTime() - measuredAtNanos > REFRESH.toNanos()
        && refreshing.compareAndSet(false, true)) {
      // A failed refresh keeps the last offset; a later call tries again.
      try {
        commands
            .get()
            .time()
            .whenComplete(
                (reply, error) -> {
                  if (error == null) {
                    record(reply);
                  }
                  refreshing.set(false);
                });
      } catch (RuntimeException e) {
        refreshing.set(false);
      }
    }
    return System.currentTimeMillis() + offsetMillis;
  }

  private void measureNow() {
    // Outside the try: a failure to connect is already the caller's exception, and says so better
    // than "cannot read the server's clock".
    RedisClusterAsyncCommands<byte[], byte[]> connected = commands.get();
    try {
      record(connected.time().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure.apply(e);
    } catch (Exception e) {
      throw failure.apply(e.getCause() == null ? e : e.getCause());
    }
  }

  private void record(List<byte[]> reply) {
    long arrived = System.currentTimeMillis();
    long seconds = Long.parseLong(new String(reply.get(0), StandardCharsets.US_ASCII));
    long micros = Long.parseLong(new String(reply.get(1), StandardCharsets.US_ASCII));
    offsetMillis = seconds * 1000 + micros / 1000 - arrived;
    measuredAtNanos = System.nanoTime();
    measured = true;
  }
}
