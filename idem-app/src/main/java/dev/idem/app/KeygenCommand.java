package dev.idem.app;

import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code idem keygen}: prints keys, one per line and nothing else, for scripts to consume. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Generates idempotency keys from Idem's CSPRNG (per-thread AES-256-CTR DRBG seeded from the"
          + " OS, self-tested at start-up). One key per line on stdout, nothing else.",
      "",
      "Formats: uuid4 (122 random bits), uuid7 and ulid (time-ordered, monotonic), base64url (128"
          + " or 256 bits), timestamp (ms + 96 random bits), composite (clientId:ms:128-bit"
          + " nonce), hash (SHA-256 of METHOD\\npath\\nbody: deterministic)."
    })
final class KeygenCommand implements Callable<Integer> {
  static final int MAX_COUNT = 10_000_000;

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--format"},
      defaultValue = "uuid4",
      paramLabel = "FORMAT",
      description =
          "uuid4, uuid7, ulid, base64url, hash, timestamp or composite (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = {"-b", "--bits"},
      paramLabel = "BITS",
      description = "Random bits of a base64url key: 128 (default) or 256.")
  Integer bits;

  @Option(
      names = {"-n", "--count"},
      defaultValue = "1",
      paramLabel = "N",
      description = "How many keys (default: ${DEFAULT-VALUE}, at most 10,000,000).")
  int count;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description = "The client id composite keys start with (A-Z a-z 0-9 - _ ., up to 64).")
  String clientId;

  @Option(
      names = "--method",
      defaultValue = "POST",
      description = "hash: the HTTP method (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--path", description = "hash: the request path, e.g. /v1/orders.")
  String path;

  @Option(names = "--body", description = "hash: the request body.")
  String body;

  @Option(
      names = "--body-file",
      paramLabel = "FILE",
      description = "hash: read the body from FILE.")
  Path bodyFile;

  @Override
  public Integer call() throws Exception {
    KeyFormat keyFormat;
    try {
      keyFormat = KeyFormat.of(format);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new ParameterException(
          spec.commandLine(), "-n must be 1 to " + MAX_COUNT + ", was " + count);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (keyFormat == KeyFormat.HASH) {
      out.println(hashKey());
      return ExitCodes.OK;
    }
    KeyGenerator generator;
    try {
      KeyGenerator.Builder builder = KeyGenerator.builder().format(keyFormat);
      if (bits != null) {
        builder.bits(bits);
      }
      if (clientId != null) {
        builder.clientId(clientId);
      }
      generator = builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    StringBuilder batch = new StringBuilder(64 * 1024);
    for (int i = 0; i < count; i++) {
      batch.append(generator.next()).append('\n');
      if (batch.length() > 60 * 1024) {
        out.write(batch.toString());
        batch.setLength(0);
      }
    }
    out.write(batch.toString());
    out.flush();
    return ExitCodes.OK;
  }

  private String hashKey() throws Exception {
    if (path == null) {
      throw new ParameterException(
          spec.commandLine(), "--format hash needs --path (and --body or --body-file)");
    }
    if (body != null && bodyFile != null) {
      throw new ParameterException(spec.commandLine(), "give --body or --body-file, not both");
    }
    if (count != 1) {
      throw new ParameterException(spec.commandLine(), "a hash key is deterministic: -n must be 1");
    }
    byte[] bytes =
        bodyFile != null
            ? Files.readAllBytes(bodyFile)
            : (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
    return KeyGenerator.hash(method, path, bytes);
  }
}
