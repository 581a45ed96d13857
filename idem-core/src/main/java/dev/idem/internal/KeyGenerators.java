package dev.idem.internal;

import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** The key generators behind {@link KeyGenerator}, one per format. */
public final class KeyGenerators {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final long MAX_48_BIT = (1L << 48) - 1;

  private KeyGenerators() {}

  /** A generator for validated options. */
  public static KeyGenerator create(
      KeyFormat format, int bits, @Nullable String clientId, Clock clock) {
    // A failing CSPRNG self-test surfaces at build(), not at first use.
    Drbg.verify();
    switch (format) {
      case UUID4:
        return new Uuid4();
      case UUID7:
        return new Uuid7(clock);
      case ULID:
        return new Ulid(clock);
      case BASE64URL:
        return bits == 128 ? new RandomBase64Url128() : new RandomBase64Url(bits / 8);
      case TIMESTAMP:
        return new Timestamped(clock, "", 12);
      case COMPOSITE:
        return new Timestamped(clock, clientId + ":", 16);
      default:
        throw new IllegalArgumentException(format + " keys are not generated");
    }
  }

  /** Version 4: 122 random bits. */
  static final class Uuid4 implements KeyGenerator {
    @Override
    public String next() {
      byte[] bytes = new byte[16];
      try (Drbg random = Drbg.acquire()) {
        random.nextBytes(bytes);
      }
      bytes[6] = (byte) ((bytes[6] & 0x0F) | 0x40);
      bytes[8] = (byte) ((bytes[8] & 0x3F) | 0x80);
      return formatUuid(bytes);
    }

    @Override
    public KeyFormat format() {
      return KeyFormat.UUID4;
    }
  }

  /**
   * Version 7 with RFC 9562 method 3 ("monotonic random"): within a millisecond the 74 random bits
   * grow by a random 32-bit step, so keys stay ordered yet a key does not give away its successor.
   */
  static final class Uuid7 implements KeyGenerator {
    private static final long RAND_B_MASK = (1L << 62) - 1;
    private static final long RAND_A_LIMIT = 1L << 12;
    private final Clock clock;
    private long lastMillis = -1;
    private long randA;
    private long randB;

    Uuid7(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String next() {
      long fresh;
      long freshB;
      // Drawn before the monitor, so a borrowed generator is back in its pool before any wait.
      // `fresh` feeds two independent bit ranges: rand_a from its top 11 bits, the step from its
      // low 32.
      try (Drbg random = Drbg.acquire()) {
        fresh = random.nextLong();
        freshB = random.nextLong();
      }
      long step = (fresh & 0xFFFF_FFFFL) + 1;
      long millis;
      long a;
      long b;
      synchronized (this) {
        long now = clock.millis();
        if (now > lastMillis) {
          lastMillis = now;
          // The top bit of rand_a starts clear so that a burst within one millisecond has room.
          randA = (fresh >>> 53) & 0x7FF;
          randB = freshB & RAND_B_MASK;
        } else {
          randB += step;
          if (randB > RAND_B_MASK) {
            randB &= RAND_B_MASK;
            randA++;
            if (randA == RAND_A_LIMIT) {
              // The sequence is exhausted: borrow the next millisecond rather than go backwards.
              lastMillis++;
              randA = 0;
            }
          }
        }
        millis = lastMillis;
        a = randA;
        b = randB;
      }
      long msb = ((millis & MAX_48_BIT) << 16) | 0x7000L | a;
      long lsb = 0x8000_0000_0000_0000L | b;
      byte[] bytes = new byte[16];
      putLong(bytes, 0, msb);
      putLong(bytes, 8, lsb);
      return formatUuid(bytes);
    }

    @Override
    public KeyFormat format() {
      return KeyFormat.UUID7;
    }
  }

  /** ULID with the spec's monotonic mode: within a millisecond the 80 random bits count up by 1. */
  static final class Ulid implements KeyGenerator {
    private static final long HIGH_LIMIT = 1L << 16;
    private final Clock clock;
    private long lastMillis = -1;
    private long high;
    private long low;

    Ulid(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String next() {
      long freshHigh;
      long freshLow;
      try (Drbg random = Drbg.acquire()) {
        freshHigh = random.nextLong() & 0xFFFF;
        freshLow = random.nextLong();
      }
      long millis;
      long h;
      long l;
      synchronized (this) {
        long now = clock.millis();
        if (now > lastMillis) {
          lastMillis = now;
          high = freshHigh;
          low = freshLow;
        } else {
          low++;
          if (low == 0) {
            high++;
            if (high == HIGH_LIMIT) {
              lastMillis++;
              high = freshHigh;
              low = freshLow;
            }
          }
        }
        millis = lastMillis;
        h = high;
        l = low;
      }
      char[] out = new char[26];
      long time = millis & MAX_48_BIT;
      for (int i = 9; i >= 0; i--) {
        out[i] = CROCKFORD[(int) (time & 31)];
        time >>>= 5;
      }
      // 80 random bits = 16 characters: the top 16 bits of `h` and all 64 of `l`.
      for (int i = 25; i >= 10; i--) {
        out[i] = CROCKFORD[(int) (l & 31)];
        l = (l >>> 5) | ((h & 31) << 59);
        h >>>= 5;
      }
      return new String(out);
    }

    @Override
    public KeyFormat format() {
      return KeyFormat.ULID;
    }
  }

  /** Random bytes, unpadded base64url. */
  static final class RandomBase64Url implements KeyGenerator {
    private final int bytes;

    RandomBase64Url(int bytes) {
      this.bytes = bytes;
    }

    @Override
    public String next() {
      try (Drbg random = Drbg.acquire()) {
        return random.nextBase64Url(bytes);
      }
    }

    @Override
    public KeyFormat format() {
      return KeyFormat.BASE64URL;
    }
  }

  /** 128 random bits, unpadded base64url: the commonest key, on its own fast path. */
  static final class RandomBase64Url128 implements KeyGenerator {
    @Override
    public String next() {
      try (Drbg random = Drbg.acquire()) {
        return random.nextBase64Url128();
      }
    }

    @Override
    public KeyFormat format() {
      return KeyFormat.BASE64URL;
    }
  }

  /** {@code [prefix]millis-nonce} (timestamp) or {@code clientId:millis:nonce} (composite). */
  static final class Timestamped implements KeyGenerator {
    private final Clock clock;
    private final String prefix;
    private final int nonceBytes;

    Timestamped(Clock clock, String prefix, int nonceBytes) {
      this.clock = clock;
      this.prefix = prefix;
      this.nonceBytes = nonceBytes;
    }

    @Override
    public String next() {
      String nonce;
      try (Drbg random = Drbg.acquire()) {
        nonce = random.nextBase64Url(nonceBytes);
      }
      StringBuilder key = new StringBuilder(prefix.length() + 14 + nonceBytes * 4 / 3 + 1);
      key.append(prefix);
      // Thirteen digits keep the string order equal to the time order until the year 2286.
      String millis = Long.toString(Math.max(0, clock.millis()));
      for (int i = millis.length(); i < 13; i++) {
        key.append('0');
      }
      key.append(millis).append(prefix.isEmpty() ? '-' : ':');
      key.append(nonce);
      return key.toString();
    }

    @Override
    public KeyFormat format() {
      return prefix.isEmpty() ? KeyFormat.TIMESTAMP : KeyFormat.COMPOSITE;
    }
  }

  static String formatUuid(byte[] bytes) {
    char[] out = new char[36];
    int o = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out[o++] = '-';
      }
      out[o++] = HEX[(bytes[i] >> 4) & 0xF];
      out[o++] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }

  private static void putLong(byte[] out, int offset, long value) {
    for (int i = 7; i >= 0; i--) {
      out[offset + i] = (byte) value;
      value >>>= 8;
    }
  }
}
