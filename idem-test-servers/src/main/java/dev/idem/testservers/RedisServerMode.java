package dev.idem.testservers;

import java.util.Locale;

/**
 * How the Redis test servers are found, from {@code IDEM_TEST_SERVERS} (or the system property
 * {@code idem.test.servers}):
 *
 * <ul>
 *   <li>unset or {@code auto}: the {@code IDEM_TEST_*_URL} address, else the standard local port,
 *       else a server started here;
 *   <li>{@code start}: always start a server here (installed binary first, then the one a Maven
 *       artifact ships), ignoring URLs and local servers; CI uses it to prove the self-start path;
 *   <li>{@code artifact}: like {@code start}, but only the Maven-shipped binary and no installed
 *       tool (redis-cli included): what a fresh machine with only a JDK and Maven gets.
 * </ul>
 */
public enum RedisServerMode {
  /** Address from the environment, else the local port, else start one. */
  AUTO,
  /** Always start a server process here. */
  START,
  /** Always start one here, from the Maven-shipped binary only. */
  ARTIFACT;

  /** The name of the environment variable (and, lower-cased with dots, the system property). */
  public static final String VARIABLE = "IDEM_TEST_SERVERS";

  /**
   * The mode in force.
   *
   * @throws IllegalStateException if the variable holds an unknown value
   */
  public static RedisServerMode current() {
    String value = setting(VARIABLE);
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          VARIABLE + "=" + value + " is not one of auto, start, artifact", e);
    }
  }

  /** A setting from the system property (idem.test.x.y) or else the environment (IDEM_TEST_X_Y). */
  static String setting(String variable) {
    String property = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
    if (property != null && !property.isBlank()) {
      return property;
    }
    return System.getenv(variable);
  }
}
