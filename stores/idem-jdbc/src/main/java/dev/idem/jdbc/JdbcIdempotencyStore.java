package dev.idem.jdbc;

import dev.idem.Fingerprint;
import dev.idem.jdbc.internal.Schema;
import dev.idem.jdbc.internal.SqlErrors;
import dev.idem.jdbc.internal.SqlStore;
import dev.idem.jdbc.internal.Statements;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} in a SQL table, through plain JDBC: PostgreSQL, MariaDB/MySQL and H2.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder()
 *     .dataSource(dataSource)          // a pool; the store borrows one connection per call
 *     .sweepInterval(Duration.ofMinutes(5))
 *     .build();
 * }</pre>
 *
 * <p>How it works: {@code acquire} reads the record first, so a replay or a duplicate costs one
 * {@code SELECT}. An absent key is claimed by inserting if still absent ({@code INSERT … ON
 * CONFLICT DO NOTHING}, {@code INSERT IGNORE}, or a plain insert on H2); an expired record is taken
 * over with one conditional {@code UPDATE … WHERE expires_at <= now}; losing either race means
 * reading again. Each statement commits at once, so other instances see a claim immediately. {@code
 * complete}, {@code renew} and {@code release} are single statements fenced by {@code WHERE token =
 * ? AND state = 'IN_PROGRESS' AND expires_at > now}. {@code complete} may join the caller's
 * transaction: see {@link JdbcTransactions}.
 *
 * <p><b>Time.</b> Leases and retention are measured with the store's {@link Clock} (default system
 * UTC), not the database's: instances sharing a table must have synchronised clocks (NTP). An
 * instance whose clock runs ahead by {@code d} sees leases end {@code d} early and may take over a
 * record that is still running; keep skew well below the lease.
 *
 * <p>Thread-safe. Its methods accept no nulls. {@link #close()} stops the sweeper; the {@code
 * DataSource} stays open.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

  /** The default table name; the shipped DDL creates it. */
  public static final String DEFAULT_TABLE_NAME = "idem_records";

  /** The default limit on a stored result: 1 MiB. */
  public static final int DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

  /** The default number of rows one sweep statement deletes at most. */
  public static final int DEFAULT_SWEEP_BATCH_SIZE = 1_000;

  /**
   * The default bound on the store's own statements: well under any sensible lease, so a renew
   * stuck behind a joined transaction's row lock cannot stall the engine's heartbeat for long.
   */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(2);

  /** Tries of the create-on-start DDL when instances starting together race on it. */
  private static final int DDL_ATTEMPTS = 5;

  private static final System.Logger LOG = System.getLogger(JdbcIdempotencyStore.class.getName());

  private final SqlStore sql;
  private final JdbcDialect dialect;
  private final String tableName;
  private final int sweepBatchSize;
  private final long maxResultBytes;
  private final @Nullable ScheduledExecutorService sweeper;
  private final String description;

  private JdbcIdempotencyStore(Builder b, JdbcDialect dialect) {
    this.dialect = dialect;
    this.tableName = b.tableName;
    this.sweepBatchSize = b.sweepBatchSize;
    this.maxResultBytes = b.maxResultBytes;
    this.description = "JdbcIdempotencyStore[dialect=" + dialect + ", table=" + b.tableName + "]";
    Statements statements =
        switch (dialect) {
          case POSTGRESQL -> Statements.postgresql(b.tableName);
          case MARIADB -> Statements.mariadb(b.tableName);
          case H2 -> Statements.h2(b.tableName);
        };
    this.sql =
        new SqlStore(
            description,
            Objects.requireNonNull(b.dataSource),
            statements,
            b.clock,
            b.maxResultBytes,
            b.connectionProvider,
            timeoutSeconds(b.statementTimeout));
    Duration interval = b.sweepInterval;
    if (interval == null) {
      this.sweeper = null;
    } else {
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "idem-jdbc-sweeper-" + b.tableName);
                t.setDaemon(true);
                return t;
              });
      long millis = Math.max(1, interval.toMillis());
      sweeper.scheduleWithFixedDelay(this::scheduledSweep, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** JDBC query timeouts are whole seconds; round up so a bound is never shortened to none. */
  private static int timeoutSeconds(Duration timeout) {
    long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  /** A builder for a store; use it once. Not thread-safe. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if the database cannot be reached, or a statement ran past
   *     the {@linkplain Builder#statementTimeout statement timeout} (e.g. waiting for a row lock)
   */
  @Override
  public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
    return sql.acquire(key, fingerprint, lease);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Joins the caller's transaction when the {@link ConnectionProvider} lends one (by default:
   * inside {@link JdbcTransactions#joining}); the write is then visible only once the caller
   * commits.
   *
   * @throws ResultTooLargeException if {@code result} is longer than the configured maximum;
   *     nothing is written and the record stays in progress under {@code token}
   * @throws IllegalStateException if it would join a transaction whose isolation hides the claim
   *     (PostgreSQL above READ COMMITTED, H2 above REPEATABLE READ, MariaDB with {@code
   *     innodb_snapshot_isolation=ON} at REPEATABLE READ or above; see {@link JdbcTransactions})
   * @throws JoinedTransactionException if the statement failed inside the caller's transaction;
   *     never retryable, the caller must roll back
   * @throws StoreUnavailableException if the database cannot be reached, or the statement on the
   *     store's own connection ran past the {@linkplain Builder#statementTimeout statement timeout}
   */
  @Override
  public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
    return sql.complete(key, token, result, retention);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if the database cannot be reached, or a statement ran past
   *     the {@linkplain Builder#statementTimeout statement timeout} (e.g. waiting for a row lock)
   */
  @Override
  public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
    return sql.renew(key, token, lease);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if the database cannot be reached, or a statement ran past
   *     the {@linkplain Builder#statementTimeout statement timeout} (e.g. waiting for a row lock)
   */
  @Override
  public WriteResult release(StoreKey key, LeaseToken token) {
    return sql.release(key, token);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if the database cannot be reached, or a statement ran past
   *     the {@linkplain Builder#statementTimeout statement timeout} (e.g. waiting for a row lock)
   */
  @Override
  public boolean purge(StoreKey key) {
    return sql.purge(key);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException if the database cannot be reached
   */
  @Override
  public Optional<IdempotencyRecord> find(StoreKey key) {
    return sql.find(key);
  }

  /**
   * Deletes every record whose lease or retention has ended, in statements of at most {@code
   * sweepBatchSize} rows, each committed on its own: no table-wide lock, and requests keep running
   * between batches. Safe to call on demand while the scheduled sweeper runs.
   *
   * @return how many records were deleted
   * @throws StoreUnavailableException if the database cannot be reached
   */
  public long sweep() {
    return sql.sweep(sweepBatchSize);
  }

  /** The dialect in use, detected or configured. */
  public JdbcDialect dialect() {
    return dialect;
  }

  /** The table the records live in. */
  public String tableName() {
    return tableName;
  }

  /** The largest result {@link #complete} stores, in bytes ({@link Builder#maxResultBytes}). */
  @Override
  public long maxResultBytes() {
    return maxResultBytes;
  }

  /** Stops the scheduled sweeper, if any. The {@code DataSource} is the caller's and stays open. */
  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private void scheduledSweep() {
    try {
      long deleted = sweep();
      if (deleted > 0) {
        LOG.log(System.Logger.Level.DEBUG, "{0} swept {1} expired records", description, deleted);
      }
    } catch (RuntimeException e) {
      // Keep the schedule alive: the next run retries, and requests are unaffected by a late sweep.
      LOG.log(System.Logger.Level.WARNING, description + ": sweep failed", e);
    }
  }

  /**
   * Configures a {@link JdbcIdempotencyStore}. Each option may be set once; {@link #build()} checks
   * them all and lists every problem at once. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable JdbcDialect dialect;
    private String tableName = DEFAULT_TABLE_NAME;
    private boolean createTable;
    private long maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
    private Clock clock = Clock.systemUTC();
    private @Nullable Duration sweepInterval;
    private int sweepBatchSize = DEFAULT_SWEEP_BATCH_SIZE;
    private ConnectionProvider connectionProvider = ConnectionProvider.threadBound();
    private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
    private final List<String> set = new ArrayList<>();

    private Builder() {}

    private void once(String option) {
      if (set.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      set.add(option);
    }

    /**
     * The database. Required. Use a connection pool: the store borrows one connection per call.
     *
     * @throws NullPointerException if {@code dataSource} is null
     * @throws IllegalStateException if already set
     */
    public Builder dataSource(DataSource dataSource) {
      Objects.requireNonNull(dataSource, "dataSource");
      once("dataSource");
      this.dataSource = dataSource;
      return this;
    }

    /**
     * The SQL dialect. Default: detected from the connection's metadata at {@link #build()}; an
     * unsupported database is an error, never a fallback.
     *
     * @throws NullPointerException if {@code dialect} is null
     * @throws IllegalStateException if already set
     */
    public Builder dialect(JdbcDialect dialect) {
      Objects.requireNonNull(dialect, "dialect");
      once("dialect");
      this.dialect = dialect;
      return this;
    }

    /**
     * The table, optionally schema-qualified ({@code schema.table}); an unquoted identifier.
     * Default {@value JdbcIdempotencyStore#DEFAULT_TABLE_NAME}.
     *
     * @throws NullPointerException if {@code tableName} is null
     * @throws IllegalStateException if already set
     */
    public Builder tableName(String tableName) {
      Objects.requireNonNull(tableName, "tableName");
      once("tableName");
      this.tableName = tableName;
      return this;
    }

    /**
     * Whether {@link #build()} creates the table and its index if they do not exist, from the
     * shipped DDL. Default false: production schemas are usually migrated with Flyway or Liquibase
     * (see {@link JdbcDialect#schemaLocation()}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder createTable(boolean createTable) {
      once("createTable");
      this.createTable = createTable;
      return this;
    }

    /**
     * The largest result {@code complete} stores, in bytes; a larger one is refused with {@link
     * ResultTooLargeException}, never truncated. Default 1 MiB. Mind the database's own limits
     * (MariaDB's {@code max_allowed_packet}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder maxResultBytes(long maxResultBytes) {
      once("maxResultBytes");
      this.maxResultBytes = maxResultBytes;
      return this;
    }

    /**
     * The clock leases and retention are measured with. Default: system UTC. All instances sharing
     * a table must agree on the time; see the class documentation.
     *
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      once("clock");
      this.clock = clock;
      return this;
    }

    /**
     * Runs {@link JdbcIdempotencyStore#sweep()} on a daemon thread with this delay between runs,
     * until {@link JdbcIdempotencyStore#close()}. Default: no scheduled sweep.
     *
     * @throws NullPointerException if {@code sweepInterval} is null
     * @throws IllegalStateException if already set
     */
    public Builder sweepInterval(Duration sweepInterval) {
      Objects.requireNonNull(sweepInterval, "sweepInterval");
      once("sweepInterval");
      this.sweepInterval = sweepInterval;
      return this;
    }

    /**
     * How many rows one sweep statement deletes at most. Default {@value
     * JdbcIdempotencyStore#DEFAULT_SWEEP_BATCH_SIZE}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder sweepBatchSize(int sweepBatchSize) {
      once("sweepBatchSize");
      this.sweepBatchSize = sweepBatchSize;
      return this;
    }

    /**
     * Where {@code complete} gets its connection. Default {@link ConnectionProvider#threadBound()}.
     *
     * @throws NullPointerException if {@code connectionProvider} is null
     * @throws IllegalStateException if already set
     */
    public Builder connectionProvider(ConnectionProvider connectionProvider) {
      Objects.requireNonNull(connectionProvider, "connectionProvider");
      once("connectionProvider");
      this.connectionProvider = connectionProvider;
      return this;
    }

    /**
     * How long a statement on the store's own connection ({@code acquire}'s claim, {@code renew},
     * {@code release}, {@code purge}, and {@code complete} outside a joined transaction) may run,
     * including waiting for a row lock, before it is cancelled and reported as {@link
     * StoreUnavailableException}. A transaction that joined {@code complete} holds the record's row
     * lock until it commits; without a bound a renew would wait that long and stall the engine's
     * heartbeat for every other claim. Keep it well under the lease. Applied as the JDBC query
     * timeout, so rounded up to whole seconds. Statements in the caller's transaction and the sweep
     * are not bounded. Default {@link JdbcIdempotencyStore#DEFAULT_STATEMENT_TIMEOUT 2 s}.
     *
     * @throws NullPointerException if {@code statementTimeout} is null
     * @throws IllegalStateException if already set
     */
    public Builder statementTimeout(Duration statementTimeout) {
      Objects.requireNonNull(statementTimeout, "statementTimeout");
      once("statementTimeout");
      this.statementTimeout = statementTimeout;
      return this;
    }

    /**
     * Builds the store: checks every option, detects the dialect when not set and creates the table
     * when asked to.
     *
     * @throws IllegalArgumentException listing every invalid option, or naming an unsupported
     *     database
     * @throws StoreUnavailableException if the dialect must be detected or the table created and
     *     the database cannot be reached
     */
    public JdbcIdempotencyStore build() {
      List<String> problems = new ArrayList<>();
      if (dataSource == null) {
        problems.add("dataSource is required");
      }
      String tableProblem = Schema.tableNameProblem(tableName);
      if (tableProblem != null) {
        problems.add(tableProblem);
      }
      if (maxResultBytes < 1) {
        problems.add("maxResultBytes must be at least 1, was " + maxResultBytes);
      }
      if (sweepInterval != null && (sweepInterval.isZero() || sweepInterval.isNegative())) {
        problems.add("sweepInterval must be positive, was " + sweepInterval);
      }
      if (statementTimeout.isZero() || statementTimeout.isNegative()) {
        problems.add("statementTimeout must be positive, was " + statementTimeout);
      }
      if (sweepBatchSize < 1 || sweepBatchSize > 100_000) {
        problems.add("sweepBatchSize must be between 1 and 100000, was " + sweepBatchSize);
      }
      throwIfAny(problems);
      DataSource ds = Objects.requireNonNull(dataSource);
      JdbcDialect resolved = dialect;
      if (resolved == null || createTable) {
        try (Connection c = ds.getConnection()) {
          if (resolved == null) {
            resolved = detect(c.getMetaData().getDatabaseProductName());
          }
          if (createTable) {
            if (!c.getAutoCommit()) {
              c.setAutoCommit(true);
            }
            createTable(c, resolved.ddl(tableName));
          }
        } catch (SQLException e) {
          throw SqlErrors.translate(
              "JdbcIdempotencyStore[table=" + tableName + "]",
              resolved == null ? "detect the database dialect" : "create its table",
              e);
        }
      }
      return new JdbcIdempotencyStore(this, resolved);
    }

    /**
     * Runs the DDL, tolerating instances that start together: on PostgreSQL two concurrent {@code
     * CREATE … IF NOT EXISTS} can both miss the object and one then fails on the catalog's unique
     * index. The statements are idempotent, so the loser runs them again once the winner is done.
     */
    private static void createTable(Connection c, List<String> ddl) throws SQLException {
      for (int attempt = 1; ; attempt++) {
        try (Statement s = c.createStatement()) {
          for (String statement : ddl) {
            s.execute(statement);
          }
          return;
        } catch (SQLException e) {
          if (attempt >= DDL_ATTEMPTS || !isConcurrentCreation(e)) {
            throw e;
          }
          try {
            Thread.sleep(25L * attempt);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }

    /**
     * PostgreSQL: unique_violation (on pg_type / pg_class), duplicate_table, duplicate_object. H2
     * reports the same race as a general error whose message says the object already exists.
     */
    private static boolean isConcurrentCreation(SQLException e) {
      String state = e.getSQLState();
      String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
      return "23505".equals(state)
          || "42P07".equals(state)
          || "42710".equals(state)
          || message.contains("already exists");
    }

    private static JdbcDialect detect(@Nullable String product) {
      String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
      if (name.contains("postgresql")) {
        return JdbcDialect.POSTGRESQL;
      }
      if (name.contains("mariadb") || name.contains("mysql")) {
        return JdbcDialect.MARIADB;
      }
      if (name.equals("h2")) {
        return JdbcDialect.H2;
      }
      throw new IllegalArgumentException(
          "Invalid JdbcIdempotencyStore configuration (1 problem):\n  - the database is '"
              + product
              + "', which idem-jdbc does not support (PostgreSQL, MariaDB, MySQL, H2); set"
              + " dialect(...) only if it speaks one of those dialects exactly");
    }

    private static void throwIfAny(List<String> problems) {
      ConfigProblems.throwIfAny("JdbcIdempotencyStore", problems);
    }
  }
}
