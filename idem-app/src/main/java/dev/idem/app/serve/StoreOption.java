package dev.idem.app.serve;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --store} value of {@code idem serve}, turned into the Spring properties that select
 * the starter's store. Immutable.
 *
 * @param kind which store
 * @param description what is shown at startup: never a password
 * @param properties the Spring properties to apply
 */
public record StoreOption(Kind kind, String description, Map<String, String> properties) {

  /** The default: an H2 database in a file under {@code ./data}, so records survive restarts. */
  public static final String DEFAULT = "h2:./data/idem";

  /** The store families {@code idem serve} can run on. */
  public enum Kind {
    MEMORY,
    H2,
    REDIS,
    JDBC
  }

  private static final String DATA_SOURCE_AUTO_CONFIGURATIONS =
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration";
  private static final String REDIS_AUTO_CONFIGURATIONS =
      "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.data.redis.RedisRepositoriesAutoConfiguration";

  public StoreOption {
    properties = Map.copyOf(properties);
  }

  /**
   * Parses {@code memory}, {@code h2:PATH}, {@code redis://…}/{@code rediss://…} or {@code jdbc:…}.
   *
   * @throws IllegalArgumentException naming the accepted forms when {@code value} is none of them
   * @throws NullPointerException if {@code value} is null
   */
  public static StoreOption parse(String value) {
    String trimmed = value.strip();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    Map<String, String> properties = new LinkedHashMap<>();
    if (lower.equals("memory")) {
      properties.put("idem.store.type", "memory");
      properties.put(
          "spring.autoconfigure.exclude",
          DATA_SOURCE_AUTO_CONFIGURATIONS + "," + REDIS_AUTO_CONFIGURATIONS);
      return new StoreOption(
          Kind.MEMORY, "memory (records are lost when the server stops)", properties);
    }
    if (lower.startsWith("h2:") && !lower.startsWith("h2:mem")) {
      String path = trimmed.substring(3);
      if (path.isBlank()) {
        throw invalid(value, "h2: needs a file path, as in h2:./data/idem");
      }
      Path file = Path.of(path).toAbsolutePath().normalize();
      jdbc(properties, "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
      return new StoreOption(Kind.H2, "H2 file " + file + ".mv.db", properties);
    }
    if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw invalid(value, e.getMessage());
      }
      if (uri.getHost() == null) {
        throw invalid(value, "a Redis URL needs a host, as in redis://localhost:6379");
      }
      properties.put("idem.store.type", "redis");
      properties.put("spring.data.redis.url", trimmed);
      properties.put("spring.autoconfigure.exclude", DATA_SOURCE_AUTO_CONFIGURATIONS);
      String port = uri.getPort() < 0 ? "6379" : Integer.toString(uri.getPort());
      return new StoreOption(Kind.REDIS, "Redis " + uri.getHost() + ":" + port, properties);
    }
    if (lower.startsWith("jdbc:")) {
      String subprotocol = lower.substring(5).split(":", 2)[0];
      if (!List.of("postgresql", "mariadb", "h2").contains(subprotocol)) {
        throw invalid(value, "jdbc: supports postgresql, mariadb and h2, not " + subprotocol);
      }
      jdbc(properties, trimmed, null, null);
      // The query string may carry a password: show the URL without it.
      int query = trimmed.indexOf('?');
      String shown = query < 0 ? trimmed : trimmed.substring(0, query);
      return new StoreOption(Kind.JDBC, shown, properties);
    }
    throw invalid(value, null);
  }

  private static void jdbc(
      Map<String, String> properties, String url, String user, String password) {
    properties.put("idem.store.type", "jdbc");
    properties.put("idem.store.jdbc.create-table", "true");
    properties.put("spring.datasource.url", url);
    if (user != null) {
      properties.put("spring.datasource.username", user);
      properties.put("spring.datasource.password", password);
    }
    properties.put("spring.autoconfigure.exclude", REDIS_AUTO_CONFIGURATIONS);
  }

  private static IllegalArgumentException invalid(String value, String why) {
    return new IllegalArgumentException(
        "--store '"
            + value
            + "' is not a store"
            + (why == null ? "" : " (" + why + ")")
            + "; use memory, h2:PATH, redis://HOST:PORT or jdbc:postgresql|mariadb|h2:...");
  }
}
