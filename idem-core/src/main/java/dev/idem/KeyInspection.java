package dev.idem;

import dev.idem.internal.CharClasses;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a key is: its format (when it has a recognisable one), how many random bits it carries,
 * whether it sorts by time and when it was made, and which key policies accept it.
 *
 * <pre>{@code
 * KeyInspection inspection = KeyInspection.of("0192f0c4-7a2e-7b7c-9d3e-5a1f2b3c4d5e");
 * inspection.format();        // Optional[UUID7]
 * inspection.randomBits();    // 74
 * inspection.acceptedBy("amazon-pay"); // false: 36 characters
 * }</pre>
 *
 * <p>Detection is by shape, so it can be fooled: 64 hex characters are reported as a hash key even
 * if they happen to be random. For a key of no known format, {@link #randomBits()} is an upper
 * bound: length times the bits per character of the smallest common alphabet that holds it.
 *
 * @param format the recognised format, if any
 * @param description a one-line description of what was recognised
 * @param randomBits random bits the key carries (an upper bound for unknown formats)
 * @param deterministic whether the key is derived from content rather than drawn at random
 * @param sortable whether keys of this format sort by creation time
 * @param createdAt the time embedded in the key, if its format has one
 * @param verdicts each built-in {@link KeyPolicy} profile's verdict, by profile name, in order
 */
public record KeyInspection(
    Optional<KeyFormat> format,
    String description,
    int randomBits,
    boolean deterministic,
    boolean sortable,
    Optional<Instant> createdAt,
    Map<String, KeyCheck> verdicts) {

  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final String BASE64URL = CharClasses.BASE64URL_ALPHABET;

  /**
   * @throws NullPointerException if a component is null
   */
  public KeyInspection {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(createdAt, "createdAt");
    verdicts = Collections.unmodifiableMap(new LinkedHashMap<>(verdicts));
  }

  /**
   * Inspects {@code key}.
   *
   * @throws NullPointerException if {@code key} is null
   */
  public static KeyInspection of(String key) {
    Objects.requireNonNull(key, "key");
    Map<String, KeyCheck> verdicts = new LinkedHashMap<>();
    for (KeyPolicy policy : KeyPolicy.profiles()) {
      verdicts.put(policy.name(), policy.check(key));
    }
    Shape shape = recognise(key);
    return new KeyInspection(
        Optional.ofNullable(shape.format),
        shape.description,
        shape.randomBits,
        shape.deterministic,
        shape.sortable,
        Optional.ofNullable(shape.createdAt),
        verdicts);
  }

  /** Whether the built-in profile named {@code profile} accepts the key. */
  public boolean acceptedBy(String profile) {
    KeyCheck verdict = verdicts.get(profile);
    if (verdict == null) {
      throw new IllegalArgumentException("no profile named " + profile);
    }
    return verdict.accepted();
  }

  private record Shape(
      @Nullable KeyFormat format,
      String description,
      int randomBits,
      boolean deterministic,
      boolean sortable,
      @Nullable Instant createdAt) {}

  private static Shape recognise(String key) {
    int length = key.length();
    if (length == 36 && isUuid(key)) {
      return uuid(key);
    }
    if (length == 26
        && all(key.toUpperCase(java.util.Locale.ROOT), CROCKFORD)
        && key.charAt(0) <= '7') {
      long millis = 0;
      for (int i = 0; i < 10; i++) {
        millis = (millis << 5) | CROCKFORD.indexOf(Character.toUpperCase(key.charAt(i)));
      }
      return new Shape(
          KeyFormat.ULID,
          "ULID: 48-bit timestamp + 80 random bits, Crockford base32",
          80,
          false,
          true,
          Instant.ofEpochMilli(millis));
    }
    if (length == 64 && all(key.toLowerCase(java.util.Locale.ROOT), "0123456789abcdef")) {
      return new Shape(
          KeyFormat.HASH,
          "64 hex characters: a SHA-256 hash key, derived from the request (or 256 random bits in"
              + " hex)",
          0,
          true,
          false,
          null);
    }
    Shape timestamped = timestamped(key);
    if (timestamped != null) {
      return timestamped;
    }
    if ((length == 22 || length == 43) && KeyPolicy.base64url().check(key).accepted()) {
      int bits = length == 22 ? 128 : 256;
      return new Shape(
          KeyFormat.BASE64URL, bits + " random bits, unpadded base64url", bits, false, false, null);
    }
    return new Shape(
        null,
        "no known format; random bits estimated from length and alphabet",
        upperBoundBits(key),
        false,
        false,
        null);
  }

  private static Shape uuid(String key) {
    int version = Character.digit(key.charAt(14), 16);
    if (version == 4) {
      return new Shape(KeyFormat.UUID4, "UUID version 4: 122 random bits", 122, false, false, null);
    }
    if (version == 7) {
      long millis = Long.parseLong(key.substring(0, 8) + key.substring(9, 13), 16);
      return new Shape(
          KeyFormat.UUID7,
          "UUID version 7: 48-bit timestamp + 74 random bits",
          74,
          false,
          true,
          Instant.ofEpochMilli(millis));
    }
    String hex = key.replace("-", "");
    if (hex.chars().allMatch(c -> c == '0') || hex.chars().allMatch(c -> c == 'f' || c == 'F')) {
      return new Shape(
          null,
          "the " + (hex.charAt(0) == '0' ? "nil" : "max") + " UUID: a constant, no random bits",
          0,
          true,
          false,
          null);
    }
    boolean nameBased = version == 3 || version == 5;
    boolean timeBased = version == 1 || version == 2 || version == 6;
    String description;
    int bits;
    if (nameBased) {
      description = "UUID version " + version + ": derived from a name, not random";
      bits = 0;
    } else if (timeBased) {
      // v1/v6 carry a 14-bit random clock sequence at most (v2 gives most of it to a local id);
      // the node is often a MAC address.
      description = "UUID version " + version + ": a timestamp and a node id";
      bits = version == 2 ? 6 : 14;
    } else if (version == 8) {
      description = "UUID version 8: a custom layout, at most 122 random bits";
      bits = 122;
    } else {
      description = "UUID version " + version + ": not a version RFC 9562 defines";
      bits = 0;
    }
    return new Shape(null, description, bits, nameBased, version == 1 || version == 6, null);
  }

  private static @Nullable Shape timestamped(String key) {
    int first = key.indexOf(':');
    String rest = key;
    String clientId = null;
    if (first > 0) {
      clientId = key.substring(0, first);
      rest = key.substring(first + 1);
    }
    if (rest.length() < 15 || !all(rest.substring(0, 13), "0123456789")) {
      return null;
    }
    char separator = rest.charAt(13);
    String nonce = rest.substring(14);
    boolean composite = clientId != null && separator == ':';
    boolean timestamp = clientId == null && separator == '-';
    if (!(composite || timestamp) || nonce.isEmpty() || !all(nonce, BASE64URL)) {
      return null;
    }
    if (composite && (clientId.length() > 64 || !all(clientId, BASE64URL + "."))) {
      return null;
    }
    boolean hex = all(nonce.toLowerCase(java.util.Locale.ROOT), "0123456789abcdef");
    // Base64url characters carry 6 bits, but only whole bytes were encoded.
    int bits = hex ? nonce.length() * 4 : nonce.length() * 6 / 8 * 8;
    Instant created = Instant.ofEpochMilli(Long.parseLong(rest.substring(0, 13)));
    return composite
        ? new Shape(
            KeyFormat.COMPOSITE,
            "composite clientId:timestamp:nonce with a " + bits + "-bit nonce",
            bits,
            false,
            true,
            created)
        : new Shape(
            KeyFormat.TIMESTAMP,
            "timestamp + " + bits + "-bit random suffix",
            bits,
            false,
            true,
            created);
  }

  private static boolean isUuid(String key) {
    for (int i = 0; i < 36; i++) {
      char c = key.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
        return false;
      }
    }
    return true;
  }

  private static int upperBoundBits(String key) {
    String[] alphabets = {
      "0123456789", "0123456789abcdef", "0123456789ABCDEF", BASE64URL, KeyPolicy.IETF_ALPHABET,
    };
    double[] bitsPerChar = {Math.log(10) / Math.log(2), 4, 4, 6, Math.log(66) / Math.log(2)};
    double perChar = Math.log(95) / Math.log(2);
    for (int i = 0; i < alphabets.length; i++) {
      if (all(key, alphabets[i])) {
        perChar = bitsPerChar[i];
        break;
      }
    }
    return (int) Math.floor(key.length() * perChar);
  }

  private static boolean all(String text, String alphabet) {
    for (int i = 0; i < text.length(); i++) {
      if (alphabet.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
