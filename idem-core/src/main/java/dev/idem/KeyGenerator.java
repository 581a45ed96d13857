package dev.idem;

import dev.idem.internal.KeyGenerators;
import dev.idem.spi.ConfigProblems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Generates client idempotency keys. Every random bit comes from Idem's CSPRNG: a per-thread
 * AES-256-CTR generator with fast key erasure, seeded from the operating system, reseeded
 * periodically and self-tested on first use (never {@code java.util.Random}, never time-seeded).
 *
 * <pre>{@code
 * KeyGenerator keys = KeyGenerator.of(KeyFormat.BASE64URL);
 * String key = keys.next(); // e.g. "u0Q1m1nJc2oQ3k4yqVZk8g"
 *
 * KeyGenerator sorted = KeyGenerator.builder().format(KeyFormat.UUID7).build();
 * }</pre>
 *
 * <p>Implementations are thread-safe. Time-ordered formats ({@code uuid7}, {@code ulid}) are
 * monotonic per generator: a key never sorts before one the same generator returned earlier, even
 * within one millisecond or if the clock steps back.
 */
public interface KeyGenerator {

  /**
   * A fresh key.
   *
   * @throws RandomnessUnavailableException if strong randomness cannot be had
   */
  String next();

  /** The format this generator produces. */
  KeyFormat format();

  /**
   * A generator of {@code format} with its defaults (base64url: 128 bits).
   *
   * @throws NullPointerException if {@code format} is null
   * @throws IllegalArgumentException for {@link KeyFormat#HASH}, which needs the request (use
   *     {@link #hash}), and {@link KeyFormat#COMPOSITE}, which needs a client id (use {@link
   *     #builder()})
   */
  static KeyGenerator of(KeyFormat format) {
    return builder().format(format).build();
  }

  /** A builder; use it once. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The deterministic key of a request: lowercase hex SHA-256 of {@code METHOD + "\n" + path + "\n"
   * + body}, all 64 characters. Newlines cannot occur in a method or a request path, so the framing
   * is unambiguous and easy to reproduce in any language.
   *
   * @throws NullPointerException if an argument is null
   */
  static String hash(String method, String path, byte[] body) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(body, "body");
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    sha256.update(method.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) '\n');
    sha256.update(path.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) '\n');
    sha256.update(body);
    return HexFormat.of().formatHex(sha256.digest());
  }

  /**
   * Configures a {@link KeyGenerator}. Not thread-safe; each option may be set once; {@link
   * #build()} reports every invalid option at once.
   */
  final class Builder {
    /** The longest client id a composite key accepts. */
    public static final int MAX_CLIENT_ID_LENGTH = 64;

    private @Nullable KeyFormat format;
    private int bits = 128;
    private @Nullable String clientId;
    private Clock clock = Clock.systemUTC();
    private final List<String> alreadySet = new ArrayList<>();

    private Builder() {}

    /**
     * The key format. Required.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder format(KeyFormat format) {
      once("format");
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Random bits of a base64url key: 128 (default) or 256.
     *
     * @throws IllegalStateException if already set
     */
    public Builder bits(int bits) {
      once("bits");
      this.bits = bits;
      return this;
    }

    /**
     * The client id a composite key starts with: 1 to {@value #MAX_CLIENT_ID_LENGTH} characters of
     * {@code A-Z a-z 0-9 - _ .}. Required for, and only for, {@link KeyFormat#COMPOSITE}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder clientId(String clientId) {
      once("clientId");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * The clock time-based formats read. Default system UTC.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the generator.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     * @throws RandomnessUnavailableException if the CSPRNG fails its start-up self-test
     */
    public KeyGenerator build() {
      List<String> problems = new ArrayList<>();
      if (format == null) {
        problems.add(
            "format is required: one of uuid4, uuid7, ulid, base64url, timestamp, composite");
      } else if (format == KeyFormat.HASH) {
        problems.add(
            "hash keys are derived from the request, not generated: use KeyGenerator.hash(method,"
                + " path, body)");
      }
      if (alreadySet.contains("bits") && format != KeyFormat.BASE64URL) {
        problems.add("bits applies to base64url keys only");
      }
      if (bits != 128 && bits != 256) {
        problems.add("bits must be 128 or 256, was " + bits);
      }
      if (format == KeyFormat.COMPOSITE && clientId == null) {
        problems.add("a composite key needs a clientId");
      }
      if (clientId != null) {
        if (format != KeyFormat.COMPOSITE) {
          problems.add("clientId applies to composite keys only");
        }
        String clientIdProblem = clientIdProblem(clientId);
        if (clientIdProblem != null) {
          problems.add(clientIdProblem);
        }
      }
      ConfigProblems.throwIfAny("KeyGenerator", problems);
      return KeyGenerators.create(Objects.requireNonNull(format), bits, clientId, clock);
    }

    private static @Nullable String clientIdProblem(String clientId) {
      if (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_LENGTH) {
        return "clientId must be 1 to "
            + MAX_CLIENT_ID_LENGTH
            + " characters, was "
            + clientId.length();
      }
      for (int i = 0; i < clientId.length(); i++) {
        char c = clientId.charAt(i);
        boolean allowed =
            (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.';
        if (!allowed) {
          return "clientId may hold only A-Z a-z 0-9 - _ . (character at position "
              + i
              + " is not)";
        }
      }
      return null;
    }

    private void once(String option) {
      if (alreadySet.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      alreadySet.add(option);
    }
  }
}
