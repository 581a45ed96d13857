package dev.idem.jdbc.internal;

import dev.idem.Fingerprint;
import dev.idem.jdbc.ConnectionProvider;
import dev.idem.jdbc.JoinedTransactionException;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The store's SQL work. Every statement runs in auto-commit mode on a connection of its own, except
 * {@code complete} when the {@link ConnectionProvider} lends the caller's transaction.
 */
public final class SqlStore {
  // A row can vanish (release, sweeper) or be taken over between our statements; each retry makes
  // progress for someone, so a small bound only guards against a broken database.
  private static final int MAX_ACQUIRE_ATTEMPTS = 50;
  // A deadlock rolls back only the auto-commit statement that lost (MariaDB's range-locking sweep
  // against INSERT IGNORE claims, for one); running it again is safe and almost always succeeds.
  private static final int MAX_DEADLOCK_RETRIES = 3;

  private final String name;
  private final DataSource dataSource;
  private final Statements sql;
  private final Clock clock;
  private final long maxResultBytes;
  private final ConnectionProvider completionConnections;
  private final int lockWaitSeconds;

  /** A store over {@code dataSource}; the table must exist. */
  public SqlStore(
      String name,
      DataSource dataSource,
      Statements sql,
      Clock clock,
      long maxResultBytes,
      ConnectionProvider completionConnections,
      int lockWaitSeconds) {
    this.name = name;
    this.dataSource = dataSource;
    this.sql = sql;
    this.clock = clock;
    this.maxResultBytes = maxResultBytes;
    this.completionConnections = completionConnections;
    this.lockWaitSeconds = lockWaitSeconds;
  }

  public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    long leaseMillis = positiveMillis(lease, "lease");
    try (Connection c = ownConnection()) {
      int deadlocks = 0;
      for (int attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS; attempt++) {
        try {
          AcquireResult result = acquireOnce(c, key, fingerprint, leaseMillis);
          if (result != null) {
            return result;
          }
        } catch (SQLException e) {
          if (!SqlErrors.isDeadlock(e) || ++deadlocks > MAX_DEADLOCK_RETRIES) {
            throw e;
          }
        }
      }
      // Only endless interference (rows vanishing and reappearing) gets here; the answer is
      // unknown, which is what "unavailable" tells the caller: fail closed, retry later.
      throw new StoreUnavailableException(
          name
              + " could not acquire "
              + key
              + ": the record kept changing under "
              + MAX_ACQUIRE_ATTEMPTS
              + " attempts",
          null);
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "acquire", e);
    }
  }

  public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = positiveMillis(retention, "retention");
    if (result.length > maxResultBytes) {
      throw new ResultTooLargeException(name, result.length, maxResultBytes);
    }
    // The driver copies the bytes when the statement is sent; a caller changing the array
    // afterwards changes nothing stored.
    byte[] copy = result.clone();
    boolean joined = false;
    try (ConnectionProvider.Lent lent = completionConnections.borrow(dataSource)) {
      Connection c = lent.connection();
      joined = lent.joinsCallerTransaction();
      if (!joined) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
      } else {
        String problem = JoinedIsolation.problem(c, sql.insertStyle);
        if (problem != null) {
          throw new IllegalStateException(name + " " + problem);
        }
      }
      long now = clock.millis();
      try (PreparedStatement ps = c.prepareStatement(sql.complete)) {
        if (!joined) {
          bound(ps);
        }
        ps.setLong(1, expiry(now, retentionMillis));
        ps.setLong(2, now);
        ps.setBytes(3, copy);
        ps.setString(4, key.hex());
        ps.setString(5, token.value());
        ps.setLong(6, now);
        return update(ps, !joined) == 1 ? WriteResult.APPLIED : WriteResult.LEASE_LOST;
      }
    } catch (SQLException e) {
      if (joined) {
        // Whatever failed, the caller's transaction may be gone (InnoDB rolls it back on a
        // deadlock; PostgreSQL refuses everything after an error). Reporting "unavailable" would
        // make the engine retry on the same connection, outside that transaction, and store the
        // result for business rows that no longer exist.
        throw new JoinedTransactionException(
            name
                + " could not complete inside the caller's transaction, which the database may"
                + " have rolled back; roll it back: "
                + e.getMessage(),
            e);
      }
      throw SqlErrors.translate(name, "complete", e);
    }
  }

  public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long leaseMillis = positiveMillis(lease, "lease");
    try (Connection c = ownConnection();
        PreparedStatement ps = c.prepareStatement(sql.renew)) {
      bound(ps);
      long now = clock.millis();
      ps.setLong(1, expiry(now, leaseMillis));
      ps.setString(2, key.hex());
      ps.setString(3, token.value());
      ps.setLong(4, now);
      return update(ps, true) == 1 ? WriteResult.APPLIED : WriteResult.LEASE_LOST;
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "renew", e);
    }
  }

  public WriteResult release(StoreKey key, LeaseToken token) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    try (Connection c = ownConnection();
        PreparedStatement ps = c.prepareStatement(sql.release)) {
      bound(ps);
      ps.setString(1, key.hex());
      ps.setString(2, token.value());
      ps.setLong(3, clock.millis());
      return update(ps, true) == 1 ? WriteResult.APPLIED : WriteResult.LEASE_LOST;
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "release", e);
    }
  }

  public boolean purge(StoreKey key) {
    Objects.requireNonNull(key, "key");
    try (Connection c = ownConnection();
        PreparedStatement ps = c.prepareStatement(sql.purge)) {
      bound(ps);
      ps.setString(1, key.hex());
      ps.setLong(2, clock.millis());
      return update(ps, true) == 1;
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "purge", e);
    }
  }

  public Optional<IdempotencyRecord> find(StoreKey key) {
    Objects.requireNonNull(key, "key");
    try (Connection c = ownConnection()) {
      Row row = select(c, key);
      if (row == null || row.expiresAt <= clock.millis()) {
        return Optional.empty();
      }
      return Optional.of(row.toRecord(key));
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "find", e);
    }
  }

  /**
   * Deletes records whose lease or retention ended, {@code batchSize} rows per statement, each
   * statement committed on its own so no lock is held across batches.
   *
   * @return how many rows were deleted
   */
  public long sweep(int batchSize) {
    long total = 0;
    try (Connection c = ownConnection()) {
      while (true) {
        long now = clock.millis();
        int deleted;
        try (PreparedStatement ps = c.prepareStatement(sql.sweepBatch)) {
          ps.setLong(1, now);
          ps.setInt(2, batchSize);
          if (sql.sweepRechecks()) {
            ps.setLong(3, now);
          }
          deleted = update(ps, true);
        }
        total += deleted;
        if (deleted < batchSize || Thread.currentThread().isInterrupted()) {
          return total;
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(name, "sweep", e);
    }
  }

  private Connection ownConnection() throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** One read-then-claim round; null when a race was lost and the caller should read again. */
  private @Nullable AcquireResult acquireOnce(
      Connection c, StoreKey key, Fingerprint fingerprint, long leaseMillis) throws SQLException {
    long now = clock.millis();
    // Read first: replays and duplicates (the hot path in a retry storm) then cost one
    // SELECT, like a plain read, and mint no token; a claim's cost is dominated by its commit.
    Row row = select(c, key);
    if (row == null || row.expiresAt <= now) {
      LeaseToken token = LeaseToken.random();
      long expiresAt = expiry(now, leaseMillis);
      // Absent: insert if still absent. Expired (an expired record is absent, whatever its
      // fingerprint): take it over in one UPDATE that re-checks the expiry, so two takers
      // cannot both win. Losing either race means someone else moved first: read again.
      boolean claimed =
          row == null
              ? insertIfAbsent(c, key, fingerprint, token, now, expiresAt)
              : takeOver(c, key, fingerprint, token, now, expiresAt);
      if (claimed) {
        return new AcquireResult.Acquired(token, Instant.ofEpochMilli(expiresAt));
      }
      return null;
    }
    if (!row.fingerprint.equals(fingerprint)) {
      return new AcquireResult.Mismatch(row.state);
    }
    if (row.state == RecordState.COMPLETED) {
      return new AcquireResult.Completed(row.toRecord(key));
    }
    return new AcquireResult.InProgress(Duration.ofMillis(row.expiresAt - now));
  }

  private boolean insertIfAbsent(
      Connection c,
      StoreKey key,
      Fingerprint fingerprint,
      LeaseToken token,
      long now,
      long expiresAt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.insertIfAbsent)) {
      bound(ps);
      ps.setString(1, key.hex());
      ps.setString(2, fingerprint.hex());
      ps.setString(3, token.value());
      ps.setLong(4, now);
      ps.setLong(5, expiresAt);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (sql.insertStyle == Statements.InsertStyle.PLAIN_INSERT_DUPLICATE_IS_23505
          && "23505".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private boolean takeOver(
      Connection c,
      StoreKey key,
      Fingerprint fingerprint,
      LeaseToken token,
      long now,
      long expiresAt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.takeOverExpired)) {
      bound(ps);
      ps.setString(1, fingerprint.hex());
      ps.setString(2, token.value());
      ps.setLong(3, now);
      ps.setLong(4, expiresAt);
      ps.setString(5, key.hex());
      ps.setLong(6, now);
      return ps.executeUpdate() == 1;
    }
  }

  private @Nullable Row select(Connection c, StoreKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.select)) {
      ps.setString(1, key.hex());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long completedAt = rs.getLong(6);
        boolean completedAtNull = rs.wasNull();
        return new Row(
            RecordState.valueOf(rs.getString(1)),
            Fingerprint.ofHex(rs.getString(2)),
            rs.getString(3),
            rs.getLong(4),
            rs.getLong(5),
            completedAtNull ? null : completedAt,
            rs.getBytes(7));
      }
    }
  }

  /**
   * Bounds a statement on the store's own connection. A joined transaction holds the record's row
   * lock until its caller commits; an unbounded renew or takeover would wait that long and stall
   * the engine's single heartbeat thread, so other claims' leases lapse. Cancelled, the statement
   * reports "unavailable" (the answer is unknown) and the caller's failure policy decides.
   */
  private void bound(PreparedStatement ps) throws SQLException {
    if (lockWaitSeconds > 0) {
      ps.setQueryTimeout(lockWaitSeconds);
    }
  }

  /**
   * Runs an update; in auto-commit mode a deadlock rolled back only this statement, so it is run
   * again a few times before the failure is reported (as "unavailable").
   */
  private static int update(PreparedStatement ps, boolean autoCommit) throws SQLException {
    for (int deadlocks = 0; ; deadlocks++) {
      try {
        return ps.executeUpdate();
      } catch (SQLException e) {
        if (!autoCommit || deadlocks >= MAX_DEADLOCK_RETRIES || !SqlErrors.isDeadlock(e)) {
          throw e;
        }
      }
    }
  }

  /** {@code now + millis}, saturated: a huge retention means "keep", not a date in the past. */
  static long expiry(long now, long millis) {
    return millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis;
  }

  private static long positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    // Durations beyond Long.MAX_VALUE milliseconds (Duration.ofSeconds(Long.MAX_VALUE)) saturate,
    // like the expiry computed from them: "practically forever", not an ArithmeticException.
    if (duration.getSeconds() >= Long.MAX_VALUE / 1000) {
      return Long.MAX_VALUE;
    }
    return Math.max(1, duration.toMillis());
  }

  private record Row(
      RecordState state,
      Fingerprint fingerprint,
      @Nullable String token,
      long createdAt,
      long expiresAt,
      @Nullable Long completedAt,
      byte @Nullable [] result) {

    IdempotencyRecord toRecord(StoreKey key) {
      return new IdempotencyRecord(
          key,
          state,
          fingerprint,
          token == null ? null : new LeaseToken(token),
          Instant.ofEpochMilli(createdAt),
          Instant.ofEpochMilli(expiresAt),
          completedAt == null ? null : Instant.ofEpochMilli(completedAt),
          result);
    }
  }
}
