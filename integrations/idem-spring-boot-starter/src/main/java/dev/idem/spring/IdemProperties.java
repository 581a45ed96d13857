package dev.idem.spring;

import dev.idem.Idempotency;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.StoreFailurePolicy;
import dev.idem.http.RoutePolicy;
import dev.idem.jdbc.JdbcIdempotencyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code idem.*} properties. Spring binds them; the auto-configuration hands them to the same
 * builders code uses, so a bad value fails startup with every problem listed. Unknown {@code
 * idem.*} keys are errors too ({@code ignoreUnknownFields = false}).
 *
 * <p>A mutable JavaBean as Spring binding requires; not thread-safe, read once at startup.
 */
@ConfigurationProperties(prefix = "idem", ignoreUnknownFields = false)
public class IdemProperties {

  /** Whether Idem is configured at all. */
  private boolean enabled = true;

  /** Where records live. */
  private final Store store = new Store();

  /** How long a completed response is kept and replayed. */
  private Duration retention = Idempotency.DEFAULT_RETENTION;

  /** How long a claim lasts without a heartbeat before another request may take the key over. */
  private Duration lease = Idempotency.DEFAULT_LEASE;

  /** How long a duplicate of a running request waits for its result before a 409. */
  private Duration maxWait = Idempotency.DEFAULT_MAX_WAIT;

  /** Which keys clients may send: ietf, stripe, adyen, amazon-pay or base64url. */
  private String keyPolicy = "ietf";

  /** What to do when the store cannot be reached: fail-closed (503) or fail-open (run). */
  private StoreFailurePolicy storeFailure = StoreFailurePolicy.FAIL_CLOSED;

  /**
   * HMAC secret (at least 32 bytes, UTF-8) for the key digests stored and reported; unset: a plain
   * SHA-256 digest.
   */
  private @Nullable String keyDigestSecret;

  /** The HTTP protocol. */
  private final Http http = new Http();

  /** Span attributes. */
  private final Tracing tracing = new Tracing();

  /** The admin Actuator endpoint. */
  private final Admin admin = new Admin();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Store getStore() {
    return store;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getLease() {
    return lease;
  }

  public void setLease(Duration lease) {
    this.lease = lease;
  }

  public Duration getMaxWait() {
    return maxWait;
  }

  public void setMaxWait(Duration maxWait) {
    this.maxWait = maxWait;
  }

  public String getKeyPolicy() {
    return keyPolicy;
  }

  public void setKeyPolicy(String keyPolicy) {
    this.keyPolicy = keyPolicy;
  }

  public StoreFailurePolicy getStoreFailure() {
    return storeFailure;
  }

  public void setStoreFailure(StoreFailurePolicy storeFailure) {
    this.storeFailure = storeFailure;
  }

  public @Nullable String getKeyDigestSecret() {
    return keyDigestSecret;
  }

  public void setKeyDigestSecret(@Nullable String keyDigestSecret) {
    this.keyDigestSecret = keyDigestSecret;
  }

  public Admin getAdmin() {
    return admin;
  }

  public Http getHttp() {
    return http;
  }

  public Tracing getTracing() {
    return tracing;
  }

  /** The kinds of store the starter builds. */
  public enum StoreType {
    /** In this JVM only: one instance, records lost on restart. */
    MEMORY,
    /** Redis through the application's Lettuce connection factory. */
    REDIS,
    /** A SQL table through the application's {@code DataSource}. */
    JDBC
  }

  /** {@code idem.store.*}. */
  public static class Store {
    /** memory, redis or jdbc. */
    private StoreType type = StoreType.MEMORY;

    private final Memory memory = new Memory();
    private final Redis redis = new Redis();
    private final Jdbc jdbc = new Jdbc();

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public Memory getMemory() {
      return memory;
    }

    public Redis getRedis() {
      return redis;
    }

    public Jdbc getJdbc() {
      return jdbc;
    }
  }

  /** {@code idem.store.memory.*}. */
  public static class Memory {
    /** Most records kept; the oldest are evicted beyond it. */
    private int maximumSize = InMemoryIdempotencyStore.DEFAULT_MAXIMUM_SIZE;

    /** Delay between sweeps that drop expired records from memory; 0 turns them off. */
    private Duration sweepInterval = Duration.ofMinutes(1);

    public int getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(int maximumSize) {
      this.maximumSize = maximumSize;
    }

    public Duration getSweepInterval() {
      return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
      this.sweepInterval = sweepInterval;
    }
  }

  /** {@code idem.store.redis.*}. */
  public static class Redis {
    /** Prefix of every Redis key the store writes. */
    private String keyPrefix = "idem:";

    /** Bound on each Redis command. */
    private Duration commandTimeout = Duration.ofSeconds(2);

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }
  }

  /** {@code idem.store.jdbc.*}. */
  public static class Jdbc {
    /** Table of records, optionally schema-qualified. */
    private String tableName = "idem_records";

    /** Whether to create the table at startup when missing (else run the shipped DDL yourself). */
    private boolean createTable = false;

    /**
     * Delay between sweeps that delete expired rows in bounded batches; 0 turns them off (when
     * something else deletes them). Safe on several instances at once.
     */
    private Duration sweepInterval = Duration.ofMinutes(5);

    /** Rows one sweep statement deletes at most. */
    private int sweepBatchSize = JdbcIdempotencyStore.DEFAULT_SWEEP_BATCH_SIZE;

    public Duration getSweepInterval() {
      return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
      this.sweepInterval = sweepInterval;
    }

    public int getSweepBatchSize() {
      return sweepBatchSize;
    }

    public void setSweepBatchSize(int sweepBatchSize) {
      this.sweepBatchSize = sweepBatchSize;
    }

    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }

    public boolean isCreateTable() {
      return createTable;
    }

    public void setCreateTable(boolean createTable) {
      this.createTable = createTable;
    }
  }

  /** {@code idem.http.*}. */
  public static class Http {
    /** Conventions to answer with: ietf (mismatch 422) or stripe (mismatch 400). */
    private String profile = "ietf";

    /** Header naming the tenant a key belongs to; unset: the authenticated principal. */
    private @Nullable String scopeHeader;

    /** Largest request body fingerprinted and response body stored, by default. */
    private DataSize maxBodySize = DataSize.ofBytes(RoutePolicy.DEFAULT_MAX_BODY_BYTES);

    /**
     * Path patterns protected with the default policy, besides {@code @Idempotent} methods: e.g.
     * {@code /payments/**}. Matched against the path within the application, servlet path included.
     */
    private List<String> routes = new ArrayList<>();

    public String getProfile() {
      return profile;
    }

    public void setProfile(String profile) {
      this.profile = profile;
    }

    public @Nullable String getScopeHeader() {
      return scopeHeader;
    }

    public void setScopeHeader(@Nullable String scopeHeader) {
      this.scopeHeader = scopeHeader;
    }

    public DataSize getMaxBodySize() {
      return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
      this.maxBodySize = maxBodySize;
    }

    public List<String> getRoutes() {
      return routes;
    }

    public void setRoutes(List<String> routes) {
      this.routes = routes;
    }
  }

  /** {@code idem.tracing.*}. */
  public static class Tracing {
    /**
     * Whether to write the key digest and outcome onto the current OpenTelemetry span (needs the
     * OpenTelemetry API on the class path).
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /**
   * {@code idem.admin.*}: the {@code idempotency} Actuator endpoint (inspect, force-release, purge
   * one record by scope and key). The endpoint itself is off by default: turn it on with {@code
   * management.endpoint.idempotency.access=unrestricted} and expose it with {@code
   * management.endpoints.web.exposure.include=idempotency}, behind the same authorisation as every
   * other write-capable Actuator endpoint.
   */
  public static class Admin {
    /**
     * Scopes the admin endpoint may address, e.g. {@code tenant:acme} or {@code tenant:*} (a
     * trailing {@code *} matches any rest). Any other scope is answered with 403 and never reaches
     * the store. Empty (the default): every scope. Set it when the endpoint serves operators of one
     * tenant or kind of scope; restrict per operator with an {@link IdemAdminScopeAccess} bean.
     */
    private List<String> allowedScopes = new ArrayList<>();

    public List<String> getAllowedScopes() {
      return allowedScopes;
    }

    public void setAllowedScopes(List<String> allowedScopes) {
      this.allowedScopes = allowedScopes;
    }
  }
}
