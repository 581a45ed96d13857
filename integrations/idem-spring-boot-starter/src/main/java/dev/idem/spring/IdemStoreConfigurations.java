package dev.idem.spring;

import dev.idem.InMemoryIdempotencyStore;
import dev.idem.jdbc.ConnectionProvider;
import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** One configuration per {@code idem.store.type}; each backs off for an application's own store. */
final class IdemStoreConfigurations {
  private IdemStoreConfigurations() {}

  /**
   * Room for the status, stored headers and framing around a body of {@code
   * idem.http.max-body-size} bytes: with equal limits a body just under the HTTP limit was over the
   * store's, and the key was released.
   */
  static final long STORED_RESPONSE_ALLOWANCE = 64 * 1024;

  /** The stored size of the largest response body the HTTP layer keeps, saturating. */
  static long largestStoredResponse(long maxBodyBytes) {
    return maxBodyBytes > Long.MAX_VALUE - STORED_RESPONSE_ALLOWANCE
        ? Long.MAX_VALUE
        : maxBodyBytes + STORED_RESPONSE_ALLOWANCE;
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      prefix = "idem.store",
      name = "type",
      havingValue = "memory",
      matchIfMissing = true)
  static class Memory {
    @Bean
    @ConditionalOnMissingBean(IdempotencyStore.class)
    InMemoryIdempotencyStore idempotencyStore(IdemProperties properties) {
      IdemProperties.Memory memory = properties.getStore().getMemory();
      InMemoryIdempotencyStore.Builder builder =
          InMemoryIdempotencyStore.builder().maximumSize(memory.getMaximumSize());
      if (!memory.getSweepInterval().isZero()) {
        builder.sweepInterval(memory.getSweepInterval());
      }
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw IdemAutoConfiguration.invalid(
            java.util.List.of("idem.store.memory.*: " + e.getMessage()));
      }
    }
  }

  /**
   * Redis through the application's own {@link LettuceConnectionFactory}: the store opens one
   * connection of its own (byte-array codec) from the factory's client and closes only that; the
   * client stays the application's.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "idem.store", name = "type", havingValue = "redis")
  @ConditionalOnClass({RedisIdempotencyStore.class, LettuceConnectionFactory.class})
  static class Redis {
    /**
     * The Redis store's limit: room for the largest response stored, never below its own default,
     * but no more than a Redis string holds; a response above that is stored as the too-large
     * problem, the key kept.
     */
    static long resultLimit(long maxBodyBytes) {
      return Math.min(
          RedisIdempotencyStore.MAX_RESULT_BYTES_LIMIT,
          Math.max(
              RedisIdempotencyStore.DEFAULT_MAX_RESULT_BYTES, largestStoredResponse(maxBodyBytes)));
    }

    @Bean
    @ConditionalOnMissingBean(IdempotencyStore.class)
    RedisIdempotencyStore idempotencyStore(
        IdemProperties properties, LettuceConnectionFactory connectionFactory) {
      IdemProperties.Redis redis = properties.getStore().getRedis();
      RedisIdempotencyStore.Builder builder =
          RedisIdempotencyStore.builder()
              .keyPrefix(redis.getKeyPrefix())
              .commandTimeout(redis.getCommandTimeout())
              .maxResultBytes(resultLimit(properties.getHttp().getMaxBodySize().toBytes()));
      // The factory creates its client when it starts; a factory not started yet is started here
      // the way Spring Data Redis itself does on first use.
      if (!connectionFactory.isRunning()) {
        connectionFactory.start();
      }
      AbstractRedisClient client = connectionFactory.getRequiredNativeClient();
      if (client instanceof RedisClusterClient cluster) {
        builder.client(cluster);
      } else if (client instanceof RedisClient standalone) {
        builder.client(standalone);
      } else {
        throw new IllegalStateException(
            "idem.store.type=redis needs a RedisClient or RedisClusterClient, the connection"
                + " factory has a "
                + client.getClass().getName());
      }
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw IdemAutoConfiguration.invalid(java.util.List.of(e.getMessage()));
      }
    }
  }

  /**
   * A SQL table through the application's {@link DataSource}. {@code complete} joins a
   * Spring-managed transaction when one is active on the calling thread (see {@link
   * SpringConnectionProvider}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "idem.store", name = "type", havingValue = "jdbc")
  @ConditionalOnClass({JdbcIdempotencyStore.class, DataSourceUtils.class})
  static class Jdbc {
    /** The JDBC store's limit: at least its default, and room for the largest response stored. */
    static long resultLimit(long maxBodyBytes) {
      return Math.max(
          JdbcIdempotencyStore.DEFAULT_MAX_RESULT_BYTES, largestStoredResponse(maxBodyBytes));
    }

    @Bean
    @ConditionalOnMissingBean(IdempotencyStore.class)
    JdbcIdempotencyStore idempotencyStore(IdemProperties properties, DataSource dataSource) {
      IdemProperties.Jdbc jdbc = properties.getStore().getJdbc();
      JdbcIdempotencyStore.Builder builder =
          JdbcIdempotencyStore.builder()
              .dataSource(dataSource)
              .tableName(jdbc.getTableName())
              .createTable(jdbc.isCreateTable())
              .connectionProvider(new SpringConnectionProvider())
              .sweepBatchSize(jdbc.getSweepBatchSize())
              .maxResultBytes(resultLimit(properties.getHttp().getMaxBodySize().toBytes()));
      // Without a sweep the table only grows: every key ever seen stays as an expired row.
      if (!jdbc.getSweepInterval().isZero()) {
        builder.sweepInterval(jdbc.getSweepInterval());
      }
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw IdemAutoConfiguration.invalid(java.util.List.of(e.getMessage()));
      }
    }
  }

  /**
   * Lends {@code complete} the connection of the Spring transaction active on this thread, so the
   * stored result commits or rolls back with the business rows; outside a transaction, a connection
   * of the pool that the store commits at once.
   */
  static final class SpringConnectionProvider implements ConnectionProvider {
    @Override
    public Lent borrow(DataSource dataSource) {
      Connection connection = DataSourceUtils.getConnection(dataSource);
      boolean joins = DataSourceUtils.isConnectionTransactional(connection, dataSource);
      return new Lent() {
        @Override
        public Connection connection() {
          return connection;
        }

        @Override
        public boolean joinsCallerTransaction() {
          return joins;
        }

        @Override
        public void close() {
          // Closes a pool connection, leaves a transaction's bound connection to the transaction.
          DataSourceUtils.releaseConnection(connection, dataSource);
        }
      };
    }
  }
}
