package dev.idem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.Fingerprint;
import dev.idem.jdbc.JdbcDialect;
import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link JdbcIdempotencyStore} on PostgreSQL against a raw JDBC client doing the same round trips
 * on an identical table, through the same HikariCP pool:
 *
 * <ul>
 *   <li>claim + complete: our {@code acquire} + {@code complete} vs {@code INSERT … ON CONFLICT DO
 *       NOTHING} + {@code UPDATE}, a fresh key each time (target: ≥ 80% of raw throughput);
 *   <li>replay: our {@code acquire} of a completed key vs a {@code SELECT} of the row (target: ≥
 *       90% of raw).
 * </ul>
 *
 * <p>Sample-time mode gives throughput (from the sample count) and p50/p99 latency at once. Run
 * {@link #main} for the 1/8/32-caller table with ratios: {@code java -cp
 * idem-bench/target/benchmarks.jar dev.idem.bench.JdbcStoreBenchmark -f 1 -wi 3 -i 5 -r 5s}. The
 * database comes from {@code IDEM_TEST_POSTGRES_URL}, the local server, or a started one, as in the
 * tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class JdbcStoreBenchmark {
  private static final int REPLAY_KEYS = 1_024;
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final Duration RETENTION = Duration.ofHours(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("ab".repeat(32));
  private static final byte[] RESULT = new byte[256];

  private HikariDataSource pool;
  private JdbcIdempotencyStore store;
  private String schema;
  private String rawTable;
  private String rawInsert;
  private String rawComplete;
  private String rawSelect;
  private final StoreKey[] replayKeys = new StoreKey[REPLAY_KEYS];

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    JdbcTestDatabase db = PostgresTestServer.get();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    if (!db.user().isEmpty()) {
      config.setUsername(db.user());
    }
    config.setMaximumPoolSize(34);
    config.setMinimumIdle(34);
    pool = new HikariDataSource(config);
    schema = "idem_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE SCHEMA " + schema);
    store =
        JdbcIdempotencyStore.builder()
            .dataSource(pool)
            .dialect(JdbcDialect.POSTGRESQL)
            .tableName(schema + ".idem_records")
            .createTable(true)
            .build();
    rawTable = schema + ".raw_records";
    for (String ddl : JdbcDialect.POSTGRESQL.ddl(rawTable)) {
      execute(ddl);
    }
    rawInsert =
        "INSERT INTO "
            + rawTable
            + " (idem_key, state, fingerprint, token, created_at, expires_at)"
            + " VALUES (?, 'IN_PROGRESS', ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING";
    rawComplete =
        "UPDATE "
            + rawTable
            + " SET state = 'COMPLETED', token = NULL, expires_at = ?, completed_at = ?,"
            + " result = ? WHERE idem_key = ? AND token = ?";
    rawSelect =
        "SELECT state, fingerprint, token, created_at, expires_at, completed_at, result FROM "
            + rawTable
            + " WHERE idem_key = ?";
    for (int i = 0; i < REPLAY_KEYS; i++) {
      StoreKey key = randomKey();
      replayKeys[i] = key;
      AcquireResult.Acquired acquired =
          (AcquireResult.Acquired) store.acquire(key, FINGERPRINT, LEASE);
      store.complete(key, acquired.token(), RESULT, RETENTION);
      rawClaimAndComplete(key);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      execute("DROP SCHEMA " + schema + " CASCADE");
    } finally {
      store.close();
      pool.close();
    }
  }

  @Benchmark
  public WriteResult claimComplete_idem() {
    StoreKey key = randomKey();
    AcquireResult.Acquired acquired =
        (AcquireResult.Acquired) store.acquire(key, FINGERPRINT, LEASE);
    return store.complete(key, acquired.token(), RESULT, RETENTION);
  }

  @Benchmark
  public int claimComplete_raw() throws SQLException {
    return rawClaimAndComplete(randomKey());
  }

  @Benchmark
  public AcquireResult replay_idem() {
    return store.acquire(
        replayKeys[ThreadLocalRandom.current().nextInt(REPLAY_KEYS)], FINGERPRINT, LEASE);
  }

  /**
   * Reads and decodes the same columns a correct replay needs (state and fingerprint to tell a
   * replay from a mismatch, expiry, completion time, result), so both sides fetch the same data.
   */
  @Benchmark
  public void replay_raw(Blackhole bh) throws SQLException {
    StoreKey key = replayKeys[ThreadLocalRandom.current().nextInt(REPLAY_KEYS)];
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(rawSelect)) {
      ps.setString(1, key.hex());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        bh.consume(rs.getString(1));
        bh.consume(rs.getString(2));
        bh.consume(rs.getString(3));
        bh.consume(rs.getLong(4));
        bh.consume(rs.getLong(5));
        bh.consume(rs.getLong(6));
        bh.consume(rs.getBytes(7));
      }
    }
  }

  /** Two round trips on two borrowed connections, as the store makes them. */
  private int rawClaimAndComplete(StoreKey key) throws SQLException {
    long now = System.currentTimeMillis();
    String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(rawInsert)) {
      ps.setString(1, key.hex());
      ps.setString(2, FINGERPRINT.hex());
      ps.setString(3, token);
      ps.setLong(4, now);
      ps.setLong(5, now + LEASE.toMillis());
      ps.executeUpdate();
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(rawComplete)) {
      ps.setLong(1, now + RETENTION.toMillis());
      ps.setLong(2, now);
      ps.setBytes(3, RESULT);
      ps.setString(4, key.hex());
      ps.setString(5, token);
      return ps.executeUpdate();
    }
  }

  private static StoreKey randomKey() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new StoreKey(
        String.format(
            Locale.ROOT,
            "%016x%016x%016x%016x",
            random.nextLong(),
            random.nextLong(),
            random.nextLong(),
            random.nextLong()));
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Runs the four benchmarks at 1, 8 and 32 callers and prints throughput ratios and p50/p99.
   * Accepts JMH's command-line options (forks, iterations, times).
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    List<String> rows = new ArrayList<>();
    rows.add(
        String.format(
            Locale.ROOT,
            "%-8s %-14s %12s %12s %7s %10s %10s %10s %10s",
            "callers",
            "case",
            "idem ops/s",
            "raw ops/s",
            "ratio",
            "idem p50",
            "raw p50",
            "idem p99",
            "raw p99"));
    for (int threads : new int[] {1, 8, 32}) {
      Options options =
          new OptionsBuilder()
              .parent(cli)
              .include(JdbcStoreBenchmark.class.getName() + "\\.")
              .threads(threads)
              .build();
      Collection<RunResult> results = run(options);
      for (String scenario : new String[] {"claimComplete", "replay"}) {
        RunResult idem = find(results, scenario + "_idem");
        RunResult raw = find(results, scenario + "_raw");
        double idemOps = throughput(idem);
        double rawOps = throughput(raw);
        rows.add(
            String.format(
                Locale.ROOT,
                "%-8d %-14s %12.0f %12.0f %6.0f%% %8.0fus %8.0fus %8.0fus %8.0fus",
                threads,
                scenario,
                idemOps,
                rawOps,
                100 * idemOps / rawOps,
                percentile(idem, 50),
                percentile(raw, 50),
                percentile(idem, 99),
                percentile(raw, 99)));
      }
    }
    System.out.println();
    System.out.println(
        "JdbcIdempotencyStore vs raw JDBC on PostgreSQL (targets: claim+complete"
            + " >= 80%, replay >= 90%)");
    rows.forEach(System.out::println);
  }

  private static Collection<RunResult> run(Options options) throws RunnerException {
    return new Runner(options).run();
  }

  private static RunResult find(Collection<RunResult> results, String method) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("." + method)) {
        return r;
      }
    }
    throw new IllegalStateException("no result for " + method);
  }

  /** Operations per second across all callers, from sample-time statistics. */
  private static double throughput(RunResult r) {
    var stats = r.getPrimaryResult().getStatistics();
    double meanMicros = stats.getMean();
    int threads = r.getParams().getThreads();
    return threads * 1_000_000.0 / meanMicros;
  }

  private static double percentile(RunResult r, double p) {
    return r.getPrimaryResult().getStatistics().getPercentile(p);
  }
}
