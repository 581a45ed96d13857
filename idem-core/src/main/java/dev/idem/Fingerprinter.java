package dev.idem;

import dev.idem.internal.FieldExclusions;
import dev.idem.internal.JsonCanonicalizer;
import dev.idem.internal.JsonParser;
import dev.idem.internal.JsonValue;
import dev.idem.internal.Wtf8;
import dev.idem.spi.ConfigProblems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the {@link Fingerprint} of a request: SHA-256 over its method, route, selected headers
 * and body, so that a retry that reuses a key for a different request is told apart.
 *
 * <pre>{@code
 * Fingerprinter fingerprinter = Fingerprinter.builder()
 *     .headers("Content-Type")
 *     .canonicalJson(true)
 *     .excludeFields("/timestamp", "/meta/requestId")
 *     .build();
 *
 * Fingerprint fp = fingerprinter.fingerprint("POST", "/payments", requestHeaders, bodyStream);
 * }</pre>
 *
 * <h2>What is digested</h2>
 *
 * The digest input is framed so that no two different requests share it: the domain tag {@code
 * "idem-fp-v1"} and a NUL byte; the method, upper-cased; the route exactly as given (the caller
 * chooses: a path, a path template, with or without the query); the number of selected headers and,
 * for each in lower-case name order, its name, the number of its values and each value in order;
 * then one byte for the body mode (0 raw, 1 canonical JSON) and the body. Every string is preceded
 * by its length in 4 bytes, big-endian, and encoded as UTF-8 (a lone surrogate, which UTF-8 cannot
 * encode, gets its own three bytes so that no two strings encode alike). The body comes last and
 * needs no length, which is what lets it stream straight into the digest.
 *
 * <h2>Headers</h2>
 *
 * Header names match case-insensitively. A selected header that is absent counts as having no
 * values, which differs from one with an empty value. Values are taken as given, in order; when the
 * header map holds one name under several spellings, their values are joined in the order of the
 * spellings' {@link String#compareTo}. Map entries with a null name (such as the status line of
 * {@code HttpURLConnection}'s header map) are ignored.
 *
 * <h2>Body</h2>
 *
 * With {@code canonicalJson} off (the default) the body's bytes are digested as they are. With it
 * on, a non-empty body is parsed as strict JSON (RFC 8259) and its RFC 8785 canonical form, less
 * the {@code excludeFields}, is digested, so that re-serialised bodies match and timestamps can be
 * left out. Canonicalisation applies only to bodies that do not say they are something else: the
 * request's {@code Content-Type} (looked up in the header map whether or not it is a selected
 * header) must be absent or a JSON media type ({@code application/json} or any {@code +json}
 * subtype, parameters ignored); any other content type, and an empty body, is digested raw. A
 * canonical digest never matches a raw one, so the same bytes sent as JSON and as text differ. A
 * body taken for JSON that does not parse, or that RFC 8785 cannot canonicalise, is refused with
 * {@link MalformedBodyException} rather than digested raw: the handler could not read it either,
 * and one rule for what is canonicalised keeps fingerprints predictable.
 *
 * <p>Bodies longer than {@code maxBodyBytes} are refused with {@link BodyTooLargeException}, never
 * truncated. When a body is both too large and malformed, whichever is found first while reading it
 * is reported.
 *
 * <p>Instances are immutable and thread-safe; a {@link Session} belongs to one request.
 */
public final class Fingerprinter {
  /** Default {@code maxBodyBytes}: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  // A byte[] cannot be longer, and canonical JSON holds the body in memory.
  private static final long MAX_CANONICAL_BODY_BYTES = Integer.MAX_VALUE - 8;
  private static final byte[] DOMAIN = "idem-fp-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte RAW = 0;
  private static final byte CANONICAL_JSON = 1;
  private static final int CHUNK = 8192;
  private static final Fingerprinter DEFAULTS = builder().build();

  private final List<String> headers;
  private final boolean canonicalJson;
  private final List<String> excludedFields;
  private final FieldExclusions exclusions;
  private final long maxBodyBytes;

  private Fingerprinter(
      List<String> headers, boolean canonicalJson, List<String> excludedFields, long maxBodyBytes) {
    this.headers = headers;
    this.canonicalJson = canonicalJson;
    this.excludedFields = excludedFields;
    this.exclusions = FieldExclusions.of(excludedFields);
    this.maxBodyBytes = maxBodyBytes;
  }

  /** A builder for a fingerprinter; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  /** A fingerprinter with no headers, raw bodies and a 1 MiB body limit. */
  public static Fingerprinter ofDefaults() {
    return DEFAULTS;
  }

  /**
   * The fingerprint of a request whose body is in memory.
   *
   * @param method the HTTP method, in any case
   * @param route the route as the caller defines it
   * @param headers the request's headers; names in any case
   * @param body the request body; empty if there is none
   * @throws BodyTooLargeException if {@code body} is longer than {@code maxBodyBytes}
   * @throws MalformedBodyException if the body is canonicalised and is not acceptable JSON
   * @throws NullPointerException if an argument is null, or a value list or value of a header it
   *     reads: the selected ones, and {@code Content-Type} when canonicalising
   */
  public Fingerprint fingerprint(
      String method, String route, Map<String, ? extends List<String>> headers, byte[] body) {
    Objects.requireNonNull(body, "body");
    MessageDigest digest = frame(method, route, headers);
    if (body.length > maxBodyBytes) {
      throw new BodyTooLargeException(maxBodyBytes);
    }
    if (body.length > 0 && canonicalises(headers)) {
      canonical(JsonParser.parse(body), digest);
    } else {
      digest.update(RAW);
      digest.update(body);
    }
    return Fingerprint.ofDigest(digest.digest());
  }

  /**
   * The fingerprint of a request whose body is read from {@code body} to its end, once: raw bodies
   * go to the digest chunk by chunk, canonical bodies are parsed from the stream and their
   * canonical form written to the digest. The stream is not closed.
   *
   * @throws BodyTooLargeException if the stream holds more than {@code maxBodyBytes}
   * @throws MalformedBodyException if the body is canonicalised and is not acceptable JSON
   * @throws IOException if reading the stream fails
   * @throws NullPointerException if an argument is null, or a value list or value of a header it
   *     reads: the selected ones, and {@code Content-Type} when canonicalising
   * @see #fingerprint(String, String, Map, byte[])
   */
  public Fingerprint fingerprint(
      String method, String route, Map<String, ? extends List<String>> headers, InputStream body)
      throws IOException {
    Objects.requireNonNull(body, "body");
    MessageDigest digest = frame(method, route, headers);
    if (canonicalises(headers)) {
      JsonValue json = JsonParser.parseOrEmpty(body, maxBodyBytes);
      if (json == null) {
        digest.update(RAW);
      } else {
        canonical(json, digest);
      }
    } else {
      digest.update(RAW);
      byte[] chunk = new byte[CHUNK];
      long total = 0;
      int n;
      while ((n = body.read(chunk)) != -1) {
        total += n;
        if (total > maxBodyBytes) {
          throw new BodyTooLargeException(maxBodyBytes);
        }
        digest.update(chunk, 0, n);
      }
    }
    return Fingerprint.ofDigest(digest.digest());
  }

  /**
   * Starts the fingerprint of a request whose body arrives in pieces, as a servlet or a reactive
   * framework hands it over. Feed the body to {@link Session#update} and call {@link
   * Session#finish}.
   *
   * @throws NullPointerException if an argument is null, or a value list or value of a header it
   *     reads: the selected ones, and {@code Content-Type} when canonicalising
   * @see #fingerprint(String, String, Map, byte[])
   */
  public Session start(String method, String route, Map<String, ? extends List<String>> headers) {
    return new Session(frame(method, route, headers), canonicalises(headers));
  }

  /** The selected header names, lower-cased and sorted. */
  public List<String> headers() {
    return headers;
  }

  /** Whether JSON bodies are canonicalised (RFC 8785). */
  public boolean canonicalJson() {
    return canonicalJson;
  }

  /** The JSON Pointers (RFC 6901) of the members left out of canonical bodies. */
  public List<String> excludedFields() {
    return excludedFields;
  }

  /** The longest body accepted, in bytes. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  @Override
  public String toString() {
    return "Fingerprinter[headers="
        + headers
        + ", canonicalJson="
        + canonicalJson
        + ", excludedFields="
        + excludedFields
        + ", maxBodyBytes="
        + maxBodyBytes
        + "]";
  }

  private void canonical(JsonValue json, MessageDigest digest) {
    digest.update(CANONICAL_JSON);
    JsonCanonicalizer.write(json, exclusions, digest::update);
  }

  private MessageDigest frame(
      String method, String route, Map<String, ? extends List<String>> requestHeaders) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(requestHeaders, "headers");
    MessageDigest digest = newSha256();
    digest.update(DOMAIN);
    string(digest, method.toUpperCase(Locale.ROOT));
    string(digest, route);
    integer(digest, headers.size());
    for (String name : headers) {
      List<String> values = values(requestHeaders, name);
      string(digest, name);
      integer(digest, values.size());
      for (String value : values) {
        string(digest, value);
      }
    }
    return digest;
  }

  private boolean canonicalises(Map<String, ? extends List<String>> requestHeaders) {
    if (!canonicalJson) {
      return false;
    }
    for (String contentType : values(requestHeaders, "content-type")) {
      if (!isJson(contentType)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    int slash = type.indexOf('/');
    return type.equals("application/json")
        || (slash > 0 && type.endsWith("+json") && type.length() > slash + "+json".length());
  }

  private static List<String> values(
      Map<String, ? extends List<String>> requestHeaders, String lowerCaseName) {
    TreeMap<String, List<String>> spellings = null;
    for (Map.Entry<String, ? extends List<String>> entry : requestHeaders.entrySet()) {
      String name = entry.getKey();
      if (name != null && name.equalsIgnoreCase(lowerCaseName)) {
        if (spellings == null) {
          spellings = new TreeMap<>();
        }
        spellings.put(name, Objects.requireNonNull(entry.getValue(), "headers"));
      }
    }
    if (spellings == null) {
      return List.of();
    }
    if (spellings.size() == 1) {
      List<String> values = spellings.firstEntry().getValue();
      values.forEach(value -> Objects.requireNonNull(value, "headers"));
      return values;
    }
    List<String> joined = new ArrayList<>();
    for (List<String> values : spellings.values()) {
      values.forEach(value -> joined.add(Objects.requireNonNull(value, "headers")));
    }
    return joined;
  }

  private static void string(MessageDigest digest, String s) {
    byte[] bytes = Wtf8.encode(s);
    integer(digest, bytes.length);
    digest.update(bytes);
  }

  private static void integer(MessageDigest digest, int value) {
    digest.update((byte) (value >>> 24));
    digest.update((byte) (value >>> 16));
    digest.update((byte) (value >>> 8));
    digest.update((byte) value);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
    }
  }

  /**
   * The fingerprint of one request whose body arrives in pieces. Not thread-safe: it belongs to one
   * request, though the pieces may arrive on different threads one after another (with the
   * hand-over ordering a servlet container or reactive framework already provides). Raw bodies go
   * to the digest as they arrive; a body to be canonicalised is held (at most {@code maxBodyBytes})
   * until {@link #finish()}, because an object's members can only be sorted once all have arrived.
   * After {@link #finish()}, or once it has thrown {@link BodyTooLargeException} or {@link
   * MalformedBodyException}, the session is spent.
   */
  public final class Session {
    private final MessageDigest digest;
    private final boolean canonical;
    private byte[] held = new byte[0];
    private long size;
    private boolean spent;

    private Session(MessageDigest digest, boolean canonical) {
      this.digest = digest;
      this.canonical = canonical;
      if (!canonical) {
        digest.update(RAW);
      }
    }

    /**
     * Adds {@code length} bytes of {@code bytes} from {@code offset} to the body.
     *
     * @return this session
     * @throws BodyTooLargeException if the body grows beyond {@code maxBodyBytes}
     * @throws IndexOutOfBoundsException if the range lies outside {@code bytes}
     * @throws IllegalStateException if the session is spent
     * @throws NullPointerException if {@code bytes} is null
     */
    public Session update(byte[] bytes, int offset, int length) {
      Objects.requireNonNull(bytes, "bytes");
      Objects.checkFromIndexSize(offset, length, bytes.length);
      checkLive();
      if (size + length > maxBodyBytes) {
        spent = true;
        throw new BodyTooLargeException(maxBodyBytes);
      }
      if (canonical) {
        if (size + length > held.length) {
          held =
              Arrays.copyOf(held, (int) Math.min(maxBodyBytes, Math.max(size + length, 2 * size)));
        }
        System.arraycopy(bytes, offset, held, (int) size, length);
      } else {
        digest.update(bytes, offset, length);
      }
      size += length;
      return this;
    }

    /**
     * The request's fingerprint.
     *
     * @throws MalformedBodyException if the body is canonicalised and is not acceptable JSON
     * @throws IllegalStateException if the session is spent
     */
    public Fingerprint finish() {
      checkLive();
      spent = true;
      if (canonical) {
        if (size == 0) {
          digest.update(RAW);
        } else {
          JsonValue json = JsonParser.parse(held, 0, (int) size);
          held = new byte[0];
          canonical(json, digest);
        }
      }
      return Fingerprint.ofDigest(digest.digest());
    }

    private void checkLive() {
      if (spent) {
        throw new IllegalStateException("this fingerprint session is finished or failed");
      }
    }
  }

  /**
   * Configures a {@link Fingerprinter}. Not thread-safe; each option may be set once. Invalid
   * options are reported together by {@link #build()}.
   */
  public static final class Builder {
    private List<String> headers = List.of();
    private boolean canonicalJson;
    private List<String> excludeFields = List.of();
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private final List<String> alreadySet = new ArrayList<>();

    private Builder() {}

    /**
     * The request headers that are part of the fingerprint, e.g. {@code "Content-Type"}; names are
     * case-insensitive and a name given twice counts once. Default none.
     *
     * @throws NullPointerException if {@code names} or a name is null
     * @throws IllegalStateException if already set
     */
    public Builder headers(String... names) {
      once("headers");
      this.headers = copy(names, "names");
      return this;
    }

    /**
     * Whether JSON bodies are digested in their RFC 8785 canonical form, so that reordered members,
     * other whitespace or other number spellings still match. Default false: raw bytes.
     *
     * @throws IllegalStateException if already set
     */
    public Builder canonicalJson(boolean canonicalJson) {
      once("canonicalJson");
      this.canonicalJson = canonicalJson;
      return this;
    }

    /**
     * JSON members left out of the fingerprint, as RFC 6901 JSON Pointers such as {@code
     * "/timestamp"} or {@code "/items/0/note"}; pointers that a body does not have are ignored.
     * Needs {@link #canonicalJson(boolean) canonicalJson(true)}. Default none.
     *
     * @throws NullPointerException if {@code jsonPointers} or a pointer is null
     * @throws IllegalStateException if already set
     */
    public Builder excludeFields(String... jsonPointers) {
      once("excludeFields");
      this.excludeFields = copy(jsonPointers, "jsonPointers");
      return this;
    }

    /**
     * The longest body accepted, in bytes; longer bodies are refused with {@link
     * BodyTooLargeException}. Default {@link #DEFAULT_MAX_BODY_BYTES}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      once("maxBodyBytes");
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Builds the fingerprinter.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public Fingerprinter build() {
      List<String> problems = new ArrayList<>();
      TreeSet<String> names = new TreeSet<>();
      for (String name : headers) {
        if (isToken(name)) {
          names.add(name.toLowerCase(Locale.ROOT));
        } else {
          problems.add("headers: \"" + name + "\" is not a header name (an RFC 9110 token)");
        }
      }
      if (!excludeFields.isEmpty() && !canonicalJson) {
        problems.add("excludeFields needs canonicalJson(true): raw bodies have no fields");
      }
      for (String pointer : excludeFields) {
        String problem = FieldExclusions.problem(pointer);
        if (problem != null) {
          problems.add("excludeFields: " + problem);
        }
      }
      if (maxBodyBytes <= 0) {
        problems.add("maxBodyBytes must be positive, was " + maxBodyBytes);
      } else if (canonicalJson && maxBodyBytes > MAX_CANONICAL_BODY_BYTES) {
        problems.add(
            "maxBodyBytes must be at most "
                + MAX_CANONICAL_BODY_BYTES
                + " with canonicalJson, which holds the body in memory; was "
                + maxBodyBytes);
      }
      ConfigProblems.throwIfAny("Fingerprinter", problems);
      return new Fingerprinter(
          List.copyOf(names), canonicalJson, List.copyOf(excludeFields), maxBodyBytes);
    }

    private static boolean isToken(String name) {
      if (name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean tchar =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!tchar) {
          return false;
        }
      }
      return true;
    }

    private static List<String> copy(String[] values, String name) {
      Objects.requireNonNull(values, name);
      for (String value : values) {
        Objects.requireNonNull(value, name);
      }
      return List.of(values);
    }

    private void once(String option) {
      if (alreadySet.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      alreadySet.add(option);
    }
  }
}
