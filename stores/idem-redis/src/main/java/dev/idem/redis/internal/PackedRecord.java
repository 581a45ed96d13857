package dev.idem.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A record as one Redis string value, so that a claim is one native {@code SET … NX PX … GET} and a
 * replay one native reply the client parses, instead of a script and a multi-bulk reply.
 *
 * <p>Layout, ASCII header at fixed offsets (the Lua scripts read it with {@code string.sub}):
 *
 * <pre>
 * [0]        format version '1'
 * [1]        state: 'N' in progress, claimed by SET NX (created-at not known, see below)
 *                   'P' in progress, created-at known
 *                   'C' completed
 * [2, 66)    fingerprint, 64 lower-case hex digits
 * [66, 82)   N: lease millis of the claim; P, C: created-at epoch millis     (16 decimal digits)
 * [82, 98)   C: completed-at epoch millis; otherwise zeros                   (16 decimal digits)
 * [98, 114)  C: expires-at epoch millis; otherwise zeros                     (16 decimal digits)
 * [114, …)   N, P: the lease token; C: the result bytes
 * </pre>
 *
 * <p>All times are the Redis server's clock. An in-progress record stores no expiry: the key's own
 * TTL is its lease, read with {@code PTTL}. A record written by {@code SET NX} cannot know the
 * server's time, so it stores the lease instead; its created-at is {@code expiry - lease}, as long
 * as it was not renewed (a renewal rewrites it as 'P' with the derived created-at).
 */
public final class PackedRecord {
  private PackedRecord() {}

  /** Length of the fixed header; the token or result follows. */
  public static final int HEADER = 114;

  private static final byte VERSION = '1';
  private static final int FINGERPRINT_AT = 2;
  private static final int FINGERPRINT_LENGTH = 64;
  private static final int NUMBER_LENGTH = 16;
  private static final int FIRST_AT = 66;
  private static final int SECOND_AT = 82;
  private static final int THIRD_AT = 98;

  /** The state byte of a record claimed by SET NX. */
  public static final byte CLAIMED = 'N';

  /** The state byte of an in-progress record with a known created-at. */
  public static final byte IN_PROGRESS = 'P';

  /** The state byte of a completed record. */
  public static final byte COMPLETED = 'C';

  /**
   * The value a claim writes with SET NX: state 'N', the lease, the token.
   *
   * @param fingerprintHex 64 hex digits
   */
  public static byte[] claim(byte[] fingerprintHex, long leaseMillis, byte[] token) {
    return encode(CLAIMED, fingerprintHex, leaseMillis, 0, 0, token);
  }

  /** Any record; for tests and for encoding what the scripts would write. */
  public static byte[] encode(
      byte state, byte[] fingerprintHex, long first, long second, long third, byte[] tail) {
    if (fingerprintHex.length != FINGERPRINT_LENGTH) {
      throw new IllegalArgumentException(
          "a fingerprint is " + FINGERPRINT_LENGTH + " hex digits, got " + fingerprintHex.length);
    }
    byte[] out = new byte[HEADER + tail.length];
    out[0] = VERSION;
    out[1] = state;
    System.arraycopy(fingerprintHex, 0, out, FINGERPRINT_AT, FINGERPRINT_LENGTH);
    putNumber(out, FIRST_AT, first);
    putNumber(out, SECOND_AT, second);
    putNumber(out, THIRD_AT, third);
    System.arraycopy(tail, 0, out, HEADER, tail.length);
    return out;
  }

  private static void putNumber(byte[] out, int at, long value) {
    if (value < 0 || value >= 10_000_000_000_000_000L) {
      throw new IllegalArgumentException("out of range for the record header: " + value);
    }
    long rest = value;
    for (int i = at + NUMBER_LENGTH - 1; i >= at; i--) {
      out[i] = (byte) ('0' + (rest % 10));
      rest /= 10;
    }
  }

  /**
   * Parses a value; every field is checked, so a value that is not a record of this format (another
   * application's key under our prefix, a truncated write) is refused rather than misread.
   *
   * @throws CorruptRecordException if {@code value} is not a well-formed record
   */
  public static Parsed parse(byte[] value) {
    if (value.length < HEADER) {
      throw new CorruptRecordException(
          "the value is " + value.length + " bytes, shorter than the " + HEADER + "-byte header");
    }
    if (value[0] != VERSION) {
      throw new CorruptRecordException(
          "unknown format version " + printable(value[0]) + " (expected '1')");
    }
    byte state = value[1];
    if (state != CLAIMED && state != IN_PROGRESS && state != COMPLETED) {
      throw new CorruptRecordException("unknown state " + printable(state));
    }
    for (int i = FINGERPRINT_AT; i < FINGERPRINT_AT + FINGERPRINT_LENGTH; i++) {
      byte b = value[i];
      if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f'))) {
        throw new CorruptRecordException(
            "the fingerprint has " + printable(b) + " at offset " + i + ", not a hex digit");
      }
    }
    long first = number(value, FIRST_AT);
    long second = number(value, SECOND_AT);
    long third = number(value, THIRD_AT);
    if (state != COMPLETED) {
      int tokenLength = value.length - HEADER;
      // A token is 1 to 64 characters, at most 4 bytes each in UTF-8.
      if (tokenLength < 1 || tokenLength > 256) {
        throw new CorruptRecordException(
            "an in-progress record's lease token is 1 to 256 bytes, got " + tokenLength);
      }
      if (state == CLAIMED && first < 1) {
        throw new CorruptRecordException("a claim's lease must be positive, was " + first);
      }
    } else if (third < second || second < first) {
      throw new CorruptRecordException(
          "times out of order: created " + first + ", completed " + second + ", expires " + third);
    }
    return new Parsed(value, state, first, second, third);
  }

  private static long number(byte[] value, int at) {
    long n = 0;
    for (int i = at; i < at + NUMBER_LENGTH; i++) {
      byte b = value[i];
      if (b < '0' || b > '9') {
        throw new CorruptRecordException(
            "a time field has " + printable(b) + " at offset " + i + ", not a decimal digit");
      }
      n = n * 10 + (b - '0');
    }
    return n;
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
  }

  /**
   * A parsed record; the fields mean what the layout says for its state.
   *
   * @param value the whole value, header included
   */
  public record Parsed(byte[] value, byte state, long first, long second, long third) {

    /** Whether the fingerprint equals {@code fingerprintHex}, without decoding it. */
    public boolean hasFingerprint(byte[] fingerprintHex) {
      return Arrays.equals(
          value,
          FINGERPRINT_AT,
          FINGERPRINT_AT + FINGERPRINT_LENGTH,
          fingerprintHex,
          0,
          fingerprintHex.length);
    }

    /** The fingerprint's hex digits. */
    public String fingerprintHex() {
      return new String(value, FINGERPRINT_AT, FINGERPRINT_LENGTH, StandardCharsets.US_ASCII);
    }

    /** The bytes after the header: the token of an in-progress record, a completed one's result. */
    public byte[] tail() {
      return Arrays.copyOfRange(value, HEADER, value.length);
    }

    /** The token of an in-progress record, else null. */
    public @Nullable String token() {
      return state == COMPLETED
          ? null
          : new String(value, HEADER, value.length - HEADER, StandardCharsets.UTF_8);
    }
  }

  /** A value under the store's prefix that is not a record of this format. */
  public static final class CorruptRecordException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
      super("not an idempotency record of this store: " + message);
    }
  }
}
