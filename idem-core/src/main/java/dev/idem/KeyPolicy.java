package dev.idem;

import dev.idem.internal.CharClasses;
import dev.idem.spi.ConfigProblems;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client key must look like before anything is stored: its length and its alphabet. Each
 * rejection names the {@link KeyRule} it broke and never echoes the key.
 *
 * <p>Profiles:
 *
 * <table>
 *   <caption>built-in profiles</caption>
 *   <tr><th>name</th><th>length</th><th>characters</th></tr>
 *   <tr><td>{@code ietf} (default)</td><td>16–255</td><td>{@code A–Z a–z 0–9 - _ . :}</td></tr>
 *   <tr><td>{@code stripe}</td><td>1–255</td><td>visible ASCII but comma</td></tr>
 *   <tr><td>{@code adyen}</td><td>1–64</td><td>visible ASCII but comma</td></tr>
 *   <tr><td>{@code amazon-pay}</td><td>1–32</td><td>{@code A–Z a–z 0–9 - _}</td></tr>
 *   <tr><td>{@code base64url}</td><td>22–43 (128–256 bits)</td><td>canonical unpadded
 *       base64url</td></tr>
 * </table>
 *
 * <p>Commas, spaces, control and non-ASCII characters are refused by every policy: a comma splits
 * an HTTP list field, and the others change meaning between proxies and frameworks.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyPolicy {
  /** The ietf profile's alphabet. */
  public static final String IETF_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:";

  private static final String BASE64URL_ALPHABET = CharClasses.BASE64URL_ALPHABET;
  private static final String VISIBLE_ASCII_BUT_COMMA = visibleAsciiButComma();

  private static final KeyPolicy IETF =
      new KeyPolicy("ietf", 16, 255, IETF_ALPHABET, false, "A-Z a-z 0-9 - _ . :");
  private static final KeyPolicy STRIPE =
      new KeyPolicy("stripe", 1, 255, VISIBLE_ASCII_BUT_COMMA, false, "visible ASCII but comma");
  private static final KeyPolicy ADYEN =
      new KeyPolicy("adyen", 1, 64, VISIBLE_ASCII_BUT_COMMA, false, "visible ASCII but comma");
  private static final KeyPolicy AMAZON_PAY =
      new KeyPolicy("amazon-pay", 1, 32, BASE64URL_ALPHABET, false, "A-Z a-z 0-9 - _");
  private static final KeyPolicy BASE64URL =
      new KeyPolicy("base64url", 22, 43, BASE64URL_ALPHABET, true, "A-Z a-z 0-9 - _");
  private static final List<KeyPolicy> PROFILES =
      List.of(IETF, STRIPE, ADYEN, AMAZON_PAY, BASE64URL);

  private final String name;
  private final int minLength;
  private final int maxLength;
  private final boolean[] allowed = new boolean[128];
  private final boolean base64url;
  private final String alphabetDescription;

  private KeyPolicy(
      String name,
      int minLength,
      int maxLength,
      String alphabet,
      boolean base64url,
      String alphabetDescription) {
    this.name = name;
    this.minLength = minLength;
    this.maxLength = maxLength;
    for (int i = 0; i < alphabet.length(); i++) {
      allowed[alphabet.charAt(i)] = true;
    }
    this.base64url = base64url;
    this.alphabetDescription = alphabetDescription;
  }

  /** The default: 16–255 characters of {@code A–Z a–z 0–9 - _ . :}. */
  public static KeyPolicy ietf() {
    return IETF;
  }

  /** Stripe's rules: up to 255 visible ASCII characters. */
  public static KeyPolicy stripe() {
    return STRIPE;
  }

  /** Adyen's rules: up to 64 visible ASCII characters. */
  public static KeyPolicy adyen() {
    return ADYEN;
  }

  /** Amazon Pay's rules: up to 32 characters of {@code A–Z a–z 0–9 - _}. */
  public static KeyPolicy amazonPay() {
    return AMAZON_PAY;
  }

  /**
   * The strict form from the key-generation guide: 128 to 256 random bits as canonical unpadded
   * base64url (22 to 43 characters).
   */
  public static KeyPolicy base64url() {
    return BASE64URL;
  }

  /** Every built-in profile, {@code ietf} first. */
  public static List<KeyPolicy> profiles() {
    return PROFILES;
  }

  /**
   * The built-in profile with this name (case-insensitive).
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException naming the known profiles if there is none
   */
  public static KeyPolicy named(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (KeyPolicy policy : PROFILES) {
      if (policy.name.equals(wanted)) {
        return policy;
      }
    }
    List<String> known = new ArrayList<>();
    PROFILES.forEach(p -> known.add(p.name));
    throw new IllegalArgumentException(
        "unknown key policy '" + name + "'; known: " + String.join(", ", known));
  }

  /** A builder for a policy of your own; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy's name, e.g. {@code ietf}. */
  public String name() {
    return name;
  }

  /** The shortest key accepted. */
  public int minLength() {
    return minLength;
  }

  /** The longest key accepted. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Checks {@code key}. Runs in time linear in the key's length, but stops at the first character
   * past {@link #maxLength()}, so a megabyte-long header costs no more than a valid key.
   *
   * @throws NullPointerException if {@code key} is null
   */
  public KeyCheck check(String key) {
    Objects.requireNonNull(key, "key");
    int length = key.length();
    if (length > maxLength) {
      return reject(
          KeyRule.TOO_LONG,
          "a key is at most " + maxLength + " characters; this one has " + length + ".");
    }
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c < 128 && allowed[c]) {
        continue;
      }
      return rejectCharacter(c, i);
    }
    if (length < minLength) {
      return reject(
          KeyRule.TOO_SHORT,
          "a key is at least "
              + minLength
              + " characters; this one has "
              + length
              + ". Generate one with at least 128 random bits, e.g. a UUID v4.");
    }
    if (base64url && !canonicalBase64Url(key)) {
      return reject(
          KeyRule.NOT_CANONICAL_BASE64URL,
          "a key is 16 to 32 random bytes in unpadded base64url (22 or 43 characters for 128 or 256"
              + " bits); this one is not a canonical encoding.");
    }
    return new KeyCheck.Accepted(new IdempotencyKey(key));
  }

  private KeyCheck rejectCharacter(char c, int position) {
    String where = " at position " + position + ".";
    if (c == ',') {
      return reject(
          KeyRule.COMMA, "a key cannot contain a comma (it splits HTTP list fields)" + hint(where));
    }
    if (c == ' ' || c == '\t') {
      return reject(KeyRule.WHITESPACE, "a key cannot contain spaces or tabs" + hint(where));
    }
    if (c < 0x20 || c == 0x7F) {
      return reject(
          KeyRule.CONTROL_CHARACTER, "a key cannot contain control characters" + hint(where));
    }
    if (c >= 128) {
      return reject(KeyRule.NON_ASCII, "a key is ASCII only" + hint(where));
    }
    return reject(
        KeyRule.CHARACTER_NOT_ALLOWED,
        "a key may contain only " + alphabetDescription + hint(where));
  }

  private String hint(String where) {
    return "; found one" + where + " Allowed: " + alphabetDescription + ".";
  }

  private KeyCheck.Rejected reject(KeyRule rule, String detail) {
    return new KeyCheck.Rejected(name, rule, detail);
  }

  /** Whether {@code key} (already checked against the base64url alphabet) is canonical. */
  private static boolean canonicalBase64Url(String key) {
    int remainder = key.length() % 4;
    if (remainder == 1) {
      return false;
    }
    if (remainder == 0) {
      return true;
    }
    int last = BASE64URL_ALPHABET.indexOf(key.charAt(key.length() - 1));
    // Two trailing characters carry one byte (4 spare bits); three carry two (2 spare bits).
    int spareBitsMask = remainder == 2 ? 0x0F : 0x03;
    return (last & spareBitsMask) == 0;
  }

  @Override
  public String toString() {
    return "KeyPolicy["
        + name
        + ", "
        + minLength
        + "-"
        + maxLength
        + " of "
        + alphabetDescription
        + "]";
  }

  private static String visibleAsciiButComma() {
    StringBuilder chars = new StringBuilder();
    for (char c = 0x21; c < 0x7F; c++) {
      if (c != ',') {
        chars.append(c);
      }
    }
    return chars.toString();
  }

  /**
   * Configures a custom {@link KeyPolicy}. Not thread-safe; each option may be set once; {@link
   * #build()} reports every invalid option at once.
   */
  public static final class Builder {
    private String name = "custom";
    private int minLength = 16;
    private int maxLength = 255;
    private String alphabet = IETF_ALPHABET;
    private final List<String> alreadySet = new ArrayList<>();

    private Builder() {}

    /**
     * The name rejections report. Default {@code custom}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder name(String name) {
      once("name");
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The shortest key accepted. Default 16.
     *
     * @throws IllegalStateException if already set
     */
    public Builder minLength(int minLength) {
      once("minLength");
      this.minLength = minLength;
      return this;
    }

    /**
     * The longest key accepted. Default 255.
     *
     * @throws IllegalStateException if already set
     */
    public Builder maxLength(int maxLength) {
      once("maxLength");
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Every character a key may contain, listed out; visible ASCII except the comma. Default {@link
     * KeyPolicy#IETF_ALPHABET}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder alphabet(String alphabet) {
      once("alphabet");
      this.alphabet = Objects.requireNonNull(alphabet, "alphabet");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public KeyPolicy build() {
      List<String> problems = new ArrayList<>();
      if (name.isBlank()) {
        problems.add("name must not be blank");
      }
      if (minLength < 1) {
        problems.add("minLength must be at least 1, was " + minLength);
      }
      if (maxLength < minLength) {
        problems.add(
            "maxLength (" + maxLength + ") must be at least minLength (" + minLength + ")");
      }
      if (alphabet.isEmpty()) {
        problems.add("alphabet must not be empty");
      }
      @Nullable String bad = null;
      for (int i = 0; i < alphabet.length() && bad == null; i++) {
        char c = alphabet.charAt(i);
        if (c <= 0x20 || c >= 0x7F || c == ',') {
          bad = "alphabet may hold only visible ASCII other than the comma (position " + i + ")";
        }
      }
      if (bad != null) {
        problems.add(bad);
      }
      ConfigProblems.throwIfAny("KeyPolicy", problems);
      return new KeyPolicy(name, minLength, maxLength, alphabet, false, "[" + alphabet + "]");
    }

    private void once(String option) {
      if (alreadySet.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      alreadySet.add(option);
    }
  }
}
