package dev.idem;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The idempotency key formats Idem generates and recognises, with the properties that decide
 * between them.
 */
public enum KeyFormat {
  /** RFC 9562 UUID version 4: 122 random bits, 36 characters. */
  UUID4("uuid4", 122, false, false, "general API idempotency", "the client must keep the key"),
  /**
   * RFC 9562 UUID version 7: a 48-bit millisecond timestamp and 74 random bits, monotonic within a
   * millisecond.
   */
  UUID7("uuid7", 74, false, true, "database keys, time-ordered logs", "reveals creation time"),
  /** ULID: a 48-bit millisecond timestamp and 80 random bits in 26 Crockford base32 characters. */
  ULID("ulid", 80, false, true, "database-friendly sorted ids", "reveals creation time"),
  /** Random bytes in unpadded base64url: 128 bits (22 characters) or 256 bits (43). */
  BASE64URL("base64url", 128, false, false, "highest entropy per character", "no ordering, opaque"),
  /**
   * SHA-256 of method, path and body in hex: the same request always gets the same key. Not random;
   * see {@link KeyGenerator#hash}.
   */
  HASH(
      "hash",
      0,
      true,
      false,
      "content de-duplication without client storage",
      "two intended identical orders become one"),
  /** Milliseconds since the epoch, {@code -}, then 96 random bits in base64url: 30 characters. */
  TIMESTAMP("timestamp", 96, false, true, "time-ordered request logs", "reveals creation time"),
  /**
   * {@code clientId:timestamp:nonce}: the client's id, milliseconds since the epoch and 128 random
   * bits in base64url.
   */
  COMPOSITE(
      "composite", 128, false, true, "multi-tenant systems", "requires a stable client identity");

  private final String id;
  private final int randomBits;
  private final boolean deterministic;
  private final boolean sortable;
  private final String bestFor;
  private final String risk;

  KeyFormat(
      String id,
      int randomBits,
      boolean deterministic,
      boolean sortable,
      String bestFor,
      String risk) {
    this.id = id;
    this.randomBits = randomBits;
    this.deterministic = deterministic;
    this.sortable = sortable;
    this.bestFor = bestFor;
    this.risk = risk;
  }

  /** The lowercase name used on the command line and in configuration, e.g. {@code uuid7}. */
  public String id() {
    return id;
  }

  /**
   * Random bits in a key of this format with default options ({@link #BASE64URL} can have 256);
   * zero for {@link #HASH}, which is derived from the request.
   */
  public int randomBits() {
    return randomBits;
  }

  /** Whether the same input always gives the same key. */
  public boolean deterministic() {
    return deterministic;
  }

  /** Whether keys sort by creation time as strings. */
  public boolean sortable() {
    return sortable;
  }

  /** What the format is best for, in a few words. */
  public String bestFor() {
    return bestFor;
  }

  /** The format's main risk, in a few words. */
  public String risk() {
    return risk;
  }

  /**
   * The format with this {@link #id()} (case-insensitive).
   *
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException naming the known formats if there is none
   */
  public static KeyFormat of(String id) {
    Objects.requireNonNull(id, "id");
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (KeyFormat format : values()) {
      if (format.id.equals(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown key format '"
            + id
            + "'; known: "
            + Arrays.stream(values()).map(KeyFormat::id).collect(Collectors.joining(", ")));
  }
}
