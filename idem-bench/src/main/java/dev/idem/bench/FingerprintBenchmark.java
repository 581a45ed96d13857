package dev.idem.bench;

import dev.idem.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
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
 * Request fingerprints against a bare SHA-256 of the same body (the baseline), raw and with RFC
 * 8785 canonicalisation, plus the hostile case that once took seconds: a megabyte of subnormal
 * numbers, which must stay in the same order of magnitude as ordinary JSON of that size.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FingerprintBenchmark {
  static final Map<String, List<String>> HEADERS =
      Map.of("Content-Type", List.of("application/json"));
  final byte[] order =
      "{\"item\":\"book\",\"amount\":1200,\"currency\":\"EUR\",\"customer\":{\"id\":\"cus_42\",\"email\":\"a@example.com\"},\"lines\":[{\"sku\":\"b-1\",\"qty\":2,\"price\":600.0}]}"
          .getBytes(StandardCharsets.UTF_8);
  final byte[] subnormals =
      ("[" + "4.9e-322,".repeat(110_000) + "1e-320]").getBytes(StandardCharsets.US_ASCII);
  final byte[] ordinaryMegabyte =
      ("[" + "1234.5678,".repeat(100_000) + "1]").getBytes(StandardCharsets.US_ASCII);
  final Fingerprinter raw = Fingerprinter.ofDefaults();
  final Fingerprinter canonical =
      Fingerprinter.builder().canonicalJson(true).maxBodyBytes(2 << 20).build();

  @Benchmark
  public byte[] baselineSha256Order() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(order);
  }

  @Benchmark
  public Object rawOrder() {
    return raw.fingerprint("POST", "/orders", HEADERS, order);
  }

  @Benchmark
  public Object canonicalOrder() {
    return canonical.fingerprint("POST", "/orders", HEADERS, order);
  }

  @Benchmark
  public Object canonicalOrdinaryMegabyte() {
    return canonical.fingerprint("POST", "/orders", HEADERS, ordinaryMegabyte);
  }

  @Benchmark
  public Object canonicalSubnormalMegabyte() {
    return canonical.fingerprint("POST", "/orders", HEADERS, subnormals);
  }
}
