package dev.idem.bench;

import com.github.f4b6a3.ulid.UlidCreator;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Key generation: Idem's generators beside the baselines users would otherwise reach for, in the
 * same run. Run with {@code -t 1} and {@code -t 2} to see scaling: the JDK's shared {@code
 * SecureRandom} serialises callers, Idem's per-thread generator does not.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class KeyGenerationBenchmark {
  final KeyGenerator base64url128 = KeyGenerator.of(KeyFormat.BASE64URL);
  final KeyGenerator base64url256 =
      KeyGenerator.builder().format(KeyFormat.BASE64URL).bits(256).build();
  final KeyGenerator uuid4 = KeyGenerator.of(KeyFormat.UUID4);
  final KeyGenerator uuid7 = KeyGenerator.of(KeyFormat.UUID7);
  final KeyGenerator ulid = KeyGenerator.of(KeyFormat.ULID);
  final SecureRandom secureRandom = new SecureRandom();
  final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

  @Benchmark
  public String idemBase64Url128() {
    return base64url128.next();
  }

  @Benchmark
  public String idemBase64Url256() {
    return base64url256.next();
  }

  @Benchmark
  public String idemUuid4() {
    return uuid4.next();
  }

  @Benchmark
  public String idemUuid7() {
    return uuid7.next();
  }

  @Benchmark
  public String idemUlid() {
    return ulid.next();
  }

  /** Baseline: what most Java code does. */
  @Benchmark
  public String jdkRandomUuid() {
    return UUID.randomUUID().toString();
  }

  /** Baseline: the key-generation guide's recipe, on one shared SecureRandom. */
  @Benchmark
  public String jdkSecureRandomBase64Url128() {
    byte[] bytes = new byte[16];
    secureRandom.nextBytes(bytes);
    return base64.encodeToString(bytes);
  }

  /** Baseline: uuid-creator's random-based (v4) UUID. */
  @Benchmark
  public String uuidCreatorV4() {
    return UuidCreator.getRandomBased().toString();
  }

  /** Baseline: uuid-creator's time-ordered epoch (v7) UUID. */
  @Benchmark
  public String uuidCreatorV7() {
    return UuidCreator.getTimeOrderedEpoch().toString();
  }

  /** Baseline: ulid-creator's monotonic ULID. */
  @Benchmark
  public String ulidCreatorMonotonic() {
    return UlidCreator.getMonotonicUlid().toString();
  }
}
