package dev.idem.internal;

import dev.idem.RandomnessUnavailableException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Idem's CSPRNG: a per-thread AES-256-CTR generator with fast key erasure, seeded and periodically
 * reseeded from the operating system.
 *
 * <p>Each refill encrypts a counter stream under the current key; the first 32 bytes of the output
 * become the next key and the rest is handed out, zeroed as it goes. A captured state therefore
 * reveals no earlier output (backtracking resistance), and threads never contend: a shared {@code
 * SecureRandom} serialises every caller on one lock. Reseeding mixes fresh OS entropy into the key
 * every {@value #RESEED_BYTES} bytes or {@value #RESEED_NANOS} ns, whichever comes first.
 *
 * <p>Platform threads each own one; virtual threads borrow one from a small pool (see {@link
 * PerThread}), so a server that runs each request on a new virtual thread does not build, seed and
 * discard a generator per request. Take one with {@code try (Drbg random = Drbg.acquire())}.
 *
 * <p>The first use runs a self-test: an AES-256-CTR known-answer test and a check that the OS
 * source yields distinct, non-constant seeds. A failure throws {@link
 * RandomnessUnavailableException}; nothing random is ever produced from an unverified source.
 */
public final class Drbg extends PerThread.Lendable {
  private static final int KEY_BYTES = 32;
  private static final int BLOCK_BYTES = 16;
  // 16 KiB per refill amortises the cipher re-key (key schedule, provider checks) over ~1,000
  // base64url-128 keys while keeping the per-thread footprint small.
  private static final int REFILL_BYTES = 16 * 1024;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final byte[] BASE64URL =
      CharClasses.BASE64URL_ALPHABET.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  // Every pair of base64url characters, indexed by the 12 bits they encode, high character first.
  private static final char[] BASE64URL_PAIRS = pairs();
  static final long RESEED_BYTES = 1L << 24;
  static final long RESEED_NANOS = 300_000_000_000L;

  private static final SecureRandom SEED_SOURCE = SelfTest.verifiedSeedSource();
  private static final PerThread<Drbg> INSTANCES = new PerThread<>(Drbg::new);
  // The counter stream encrypts zeros; one read-only array serves every instance.
  private static final byte[] ZEROS = new byte[REFILL_BYTES];

  private final Cipher cipher;
  private final byte[] key = new byte[KEY_BYTES];
  private final byte[] iv = new byte[BLOCK_BYTES];
  private final byte[] buffer = new byte[REFILL_BYTES];
  private final byte[] previousFirstBlock = new byte[BLOCK_BYTES];
  // 22 characters of a 128-bit key, written as three longs.
  private final byte[] scratch = new byte[24];
  private int position = REFILL_BYTES;
  private long bytesSinceSeed;
  private long seededAtNanos;

  private Drbg(boolean pooled) {
    super(pooled);
    this.cipher = newCtrCipher();
    reseed(true);
  }

  /**
   * The calling thread's generator, or a pooled one locked for a virtual thread. Use it on this
   * thread only and close it when done (closing a platform thread's own does nothing).
   *
   * @throws RandomnessUnavailableException if the self-test fails
   */
  public static Drbg acquire() {
    return INSTANCES.acquire();
  }

  /** The per-thread instances and their pool, for tests. */
  static PerThread<Drbg> instances() {
    return INSTANCES;
  }

  /**
   * Runs the self-test now, if it has not run, so that a failure surfaces where this is called.
   *
   * @throws RandomnessUnavailableException if the self-test fails
   */
  public static void verify() {
    // Class initialisation ran the self-test; the read only makes sure initialisation happened.
    java.util.Objects.requireNonNull(SEED_SOURCE);
  }

  /** Fills {@code out} with random bytes. */
  public void nextBytes(byte[] out) {
    nextBytes(out, 0, out.length);
  }

  /** Fills {@code length} bytes of {@code out} from {@code offset} with random bytes. */
  public void nextBytes(byte[] out, int offset, int length) {
    int written = 0;
    while (written < length) {
      if (position == REFILL_BYTES) {
        refill();
      }
      int n = Math.min(length - written, REFILL_BYTES - position);
      System.arraycopy(buffer, position, out, offset + written, n);
      Arrays.fill(buffer, position, position + n, (byte) 0);
      position += n;
      written += n;
    }
  }

  /**
   * {@code byteCount} random bytes (at most 1 KiB) as unpadded base64url, encoded straight from the
   * generator's buffer: no intermediate array to copy and erase on the hottest path.
   */
  public String nextBase64Url(int byteCount) {
    if (byteCount < 1 || byteCount > 1024) {
      throw new IllegalArgumentException("byteCount must be 1 to 1024, was " + byteCount);
    }
    if (byteCount == 16) {
      return nextBase64Url128();
    }
    if (REFILL_BYTES - position < byteCount) {
      Arrays.fill(buffer, position, REFILL_BYTES, (byte) 0);
      position = REFILL_BYTES;
      refill();
    }
    byte[] out = new byte[(byteCount * 4 + 2) / 3];
    int in = position;
    int end = position + byteCount;
    int o = 0;
    while (end - in >= 3) {
      int bits = (buffer[in] & 0xFF) << 16 | (buffer[in + 1] & 0xFF) << 8 | (buffer[in + 2] & 0xFF);
      out[o] = BASE64URL[bits >>> 18];
      out[o + 1] = BASE64URL[(bits >>> 12) & 0x3F];
      out[o + 2] = BASE64URL[(bits >>> 6) & 0x3F];
      out[o + 3] = BASE64URL[bits & 0x3F];
      in += 3;
      o += 4;
    }
    if (end - in == 1) {
      int bits = buffer[in] & 0xFF;
      out[o] = BASE64URL[bits >>> 2];
      out[o + 1] = BASE64URL[(bits << 4) & 0x3F];
    } else if (end - in == 2) {
      int bits = (buffer[in] & 0xFF) << 8 | (buffer[in + 1] & 0xFF);
      out[o] = BASE64URL[bits >>> 10];
      out[o + 1] = BASE64URL[(bits >>> 4) & 0x3F];
      out[o + 2] = BASE64URL[(bits << 2) & 0x3F];
    }
    Arrays.fill(buffer, position, end, (byte) 0);
    position = end;
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** 128 random bits as 22 characters of unpadded base64url: keys and lease tokens. */
  public String nextBase64Url128() {
    int at = position;
    if (at > REFILL_BYTES - 16) {
      Arrays.fill(buffer, at, REFILL_BYTES, (byte) 0);
      position = REFILL_BYTES;
      refill();
      at = position;
    }
    long high = (long) LONGS.get(buffer, at);
    long low = (long) LONGS.get(buffer, at + 8);
    LONGS.set(buffer, at, 0L);
    LONGS.set(buffer, at + 8, 0L);
    position = at + 16;
    return base64Url128(high, low, scratch);
  }

  /** {@code high} then {@code low}, big-endian, as unpadded base64url, through {@code out}. */
  static String base64Url128(long high, long low, byte[] out) {
    // Twelve bits at a time through a table of character pairs, assembled into three longs: 11
    // loads and 3 stores instead of 22 of each. Not string concatenation, which measured faster
    // alone but, inlined into a caller, can exceed the JIT's inlining budget and then runs several
    // times slower (LeaseToken.random: 25 ns -> 200 ns).
    char[] pairs = BASE64URL_PAIRS;
    LONGS.set(
        out,
        0,
        (long) pairs[(int) (high >>> 52)] << 48
            | (long) pairs[(int) (high >>> 40) & 0xFFF] << 32
            | (long) pairs[(int) (high >>> 28) & 0xFFF] << 16
            | pairs[(int) (high >>> 16) & 0xFFF]);
    LONGS.set(
        out,
        8,
        (long) pairs[(int) (high >>> 4) & 0xFFF] << 48
            | (long) pairs[(int) ((high & 0xF) << 8 | low >>> 56)] << 32
            | (long) pairs[(int) (low >>> 44) & 0xFFF] << 16
            | pairs[(int) (low >>> 32) & 0xFFF]);
    LONGS.set(
        out,
        16,
        (long) pairs[(int) (low >>> 20) & 0xFFF] << 48
            | (long) pairs[(int) (low >>> 8) & 0xFFF] << 32
            | (long) pairs[(int) (low & 0xFF) << 4] << 16);
    // The last key stays in the scratch buffer, as it does in the returned string.
    return new String(out, 0, 22, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** A uniformly random long. */
  public long nextLong() {
    if (REFILL_BYTES - position < Long.BYTES) {
      byte[] bytes = new byte[Long.BYTES];
      nextBytes(bytes);
      return (long) LONGS.get(bytes, 0);
    }
    int at = position;
    long value = (long) LONGS.get(buffer, at);
    LONGS.set(buffer, at, 0L);
    position = at + Long.BYTES;
    return value;
  }

  private void refill() {
    if (bytesSinceSeed >= RESEED_BYTES || System.nanoTime() - seededAtNanos >= RESEED_NANOS) {
      reseed(false);
    }
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      int produced = cipher.update(ZEROS, 0, REFILL_BYTES, buffer);
      if (produced != REFILL_BYTES) {
        throw new RandomnessUnavailableException(
            "AES-CTR produced " + produced + " of " + REFILL_BYTES + " bytes", null);
      }
    } catch (GeneralSecurityException e) {
      throw new RandomnessUnavailableException("AES-256-CTR failed: " + e.getMessage(), e);
    }
    // Continuous test (FIPS 140-2 style): two refills must never start with the same block.
    if (Arrays.equals(buffer, 0, BLOCK_BYTES, previousFirstBlock, 0, BLOCK_BYTES)) {
      throw new RandomnessUnavailableException(
          "the generator repeated its output; refusing to produce keys", null);
    }
    System.arraycopy(buffer, 0, previousFirstBlock, 0, BLOCK_BYTES);
    // Fast key erasure: the next key comes from this output and is never handed out.
    System.arraycopy(buffer, BLOCK_BYTES, key, 0, KEY_BYTES);
    Arrays.fill(buffer, 0, BLOCK_BYTES + KEY_BYTES, (byte) 0);
    position = BLOCK_BYTES + KEY_BYTES;
    bytesSinceSeed += REFILL_BYTES;
  }

  private void reseed(boolean initial) {
    byte[] seed = new byte[KEY_BYTES + BLOCK_BYTES];
    SEED_SOURCE.nextBytes(seed);
    if (initial) {
      System.arraycopy(seed, 0, key, 0, KEY_BYTES);
    } else {
      // Mix, don't replace: the new key is only as weak as the stronger of old state and new seed.
      MessageDigest sha256 = SelfTest.sha256();
      sha256.update(key);
      sha256.update(seed, 0, KEY_BYTES);
      byte[] mixed = sha256.digest();
      System.arraycopy(mixed, 0, key, 0, KEY_BYTES);
      Arrays.fill(mixed, (byte) 0);
    }
    System.arraycopy(seed, KEY_BYTES, iv, 0, BLOCK_BYTES);
    Arrays.fill(seed, (byte) 0);
    bytesSinceSeed = 0;
    seededAtNanos = System.nanoTime();
  }

  private static char[] pairs() {
    char[] pairs = new char[1 << 12];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = (char) (BASE64URL[i >>> 6] << 8 | BASE64URL[i & 0x3F]);
    }
    return pairs;
  }

  private static Cipher newCtrCipher() {
    try {
      return Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new RandomnessUnavailableException(
          "this JDK has no AES/CTR/NoPadding cipher: " + e.getMessage(), e);
    }
  }

  /** Start-up checks: the cipher computes AES correctly and the OS source is live. */
  static final class SelfTest {
    // NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt, block #1.
    private static final String KAT_KEY =
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
    private static final String KAT_COUNTER = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private static final String KAT_PLAINTEXT = "6bc1bee22e409f96e93d7e117393172a";
    private static final String KAT_CIPHERTEXT = "601ec313775789a5b7a7f504bbf3d228";

    private SelfTest() {}

    static SecureRandom verifiedSeedSource() {
      knownAnswerTest();
      SecureRandom source = osSource();
      checkLive(source);
      return source;
    }

    static void knownAnswerTest() {
      HexFormat hex = HexFormat.of();
      byte[] out;
      try {
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(
            Cipher.ENCRYPT_MODE,
            new SecretKeySpec(hex.parseHex(KAT_KEY), "AES"),
            new IvParameterSpec(hex.parseHex(KAT_COUNTER)));
        out = cipher.doFinal(hex.parseHex(KAT_PLAINTEXT));
      } catch (GeneralSecurityException e) {
        throw new RandomnessUnavailableException(
            "AES-256-CTR is unavailable in this JDK: " + e.getMessage(), e);
      }
      if (!hex.formatHex(out).equals(KAT_CIPHERTEXT)) {
        throw new RandomnessUnavailableException(
            "AES-256-CTR failed its known-answer test (NIST SP 800-38A F.5.5)", null);
      }
    }

    /** The non-blocking OS source where the platform has one, else the JDK's default. */
    static SecureRandom osSource() {
      try {
        return SecureRandom.getInstance("NativePRNGNonBlocking");
      } catch (NoSuchAlgorithmException notUnix) {
        return new SecureRandom();
      }
    }

    static void checkLive(SecureRandom source) {
      byte[] first = new byte[KEY_BYTES];
      byte[] second = new byte[KEY_BYTES];
      try {
        source.nextBytes(first);
        source.nextBytes(second);
      } catch (RuntimeException e) {
        throw new RandomnessUnavailableException(
            "the operating system's random source ("
                + source.getAlgorithm()
                + ") cannot be read: "
                + e.getMessage(),
            e);
      }
      if (Arrays.equals(first, second) || isConstant(first)) {
        throw new RandomnessUnavailableException(
            "the operating system's random source ("
                + source.getAlgorithm()
                + ") returned repeated or constant bytes",
            null);
      }
    }

    private static boolean isConstant(byte[] bytes) {
      for (byte b : bytes) {
        if (b != bytes[0]) {
          return false;
        }
      }
      return true;
    }

    static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new RandomnessUnavailableException("this JDK has no SHA-256", e);
      }
    }
  }
}
