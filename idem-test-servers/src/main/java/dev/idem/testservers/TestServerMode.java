package dev.idem.testservers;

import java.util.Locale;

/**
 * Reads {@code IDEM_TEST_SERVERS} (environment) or {@code idem.test.servers} (system property):
 * {@code start} skips the configured and local servers and always starts one, so CI can prove the
 * self-start path on a machine where local servers run.
 */
final class TestServerMode {
  static final String VARIABLE = "IDEM_TEST_SERVERS";
  static final String PROPERTY = "idem.test.servers";

  private TestServerMode() {}

  static boolean forceStart() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      value = System.getenv(VARIABLE);
    }
    if (value == null || value.isBlank()) {
      return false;
    }
    String mode = value.trim().toLowerCase(Locale.ROOT);
    if (mode.equals("start")) {
      return true;
    }
    if (mode.equals("auto")) {
      return false;
    }
    throw new IllegalStateException(
        VARIABLE + " / " + PROPERTY + " must be 'auto' or 'start', was '" + value + "'");
  }

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
