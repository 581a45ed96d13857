package dev.idem.app.serve;

import dev.idem.Collisions;
import dev.idem.KeyCheck;
import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import dev.idem.KeyInspection;
import dev.idem.spring.IdemProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web tool's key and maths endpoints: key generation with an inspection of every key, key
 * inspection, the collision calculator and the strategy table. Everything here is computed by
 * idem-core, the same code the CLI and the libraries run; nothing is stored.
 *
 * <p>Invalid input answers 400 problem+json whose detail names the parameter and the accepted
 * values.
 */
@RestController
@RequestMapping("/api/tools")
class ToolsController {
  static final int MAX_COUNT = 1000;
  static final int MAX_KEY_LENGTH = 1000;
  static final int MAX_HASH_BODY_BYTES = 1 << 20;
  static final String PROBLEM_TYPE = "https://idem.dev/problems/tools-invalid-parameter";
  static final String KEY_SOURCE =
      "Keys are generated on the server by idem-core's CSPRNG: a per-thread AES-256-CTR DRBG with"
          + " fast key erasure, seeded from the operating system and self-tested at start-up"
          + " (never Math.random, never time-seeded).";

  private final IdemProperties properties;

  ToolsController(IdemProperties properties) {
    this.properties = properties;
  }

  /** What the page shows about the server: where keys come from, the store, the demo routes. */
  @GetMapping("/info")
  Map<String, Object> info() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("keySource", KEY_SOURCE);
    info.put("store", properties.getStore().getType().name().toLowerCase(Locale.ROOT));
    info.put("retention", properties.getRetention().toString());
    info.put("demoPath", "/api/demo/orders");
    info.put("sandboxPath", SandboxOrdersController.PATH);
    info.put("sandboxRetentionSeconds", SandboxOrdersController.RETENTION_SECONDS);
    info.put("maxCount", MAX_COUNT);
    return info;
  }

  /** The body of {@code POST /api/tools/keygen}; absent fields take the defaults. */
  record KeygenRequest(
      String format,
      Integer count,
      Integer bits,
      String clientId,
      String method,
      String path,
      String body) {}

  /** Keys of one format, each with its inspection, as query parameters. */
  @GetMapping("/keygen")
  Map<String, Object> keygen(
      @RequestParam(name = "format", required = false) String format,
      @RequestParam(name = "count", required = false) String count,
      @RequestParam(name = "bits", required = false) String bits,
      @RequestParam(name = "clientId", required = false) String clientId,
      @RequestParam(name = "method", required = false) String method,
      @RequestParam(name = "path", required = false) String path,
      @RequestParam(name = "body", required = false) String body) {
    return keygen(
        new KeygenRequest(
            format, integer("count", count), integer("bits", bits), clientId, method, path, body));
  }

  /** Keys of one format, each with its inspection; a JSON body, for hash keys of long bodies. */
  @PostMapping("/keygen")
  Map<String, Object> keygen(@RequestBody KeygenRequest request) {
    if (request.format() == null || request.format().isBlank()) {
      throw invalid("format is required: one of " + formatIds() + ".");
    }
    KeyFormat format;
    try {
      format = KeyFormat.of(request.format());
    } catch (IllegalArgumentException e) {
      throw invalid(
          "format '" + request.format() + "' is unknown; use one of " + formatIds() + ".");
    }
    int count = request.count() == null ? 1 : request.count();
    if (count < 1 || count > MAX_COUNT) {
      throw invalid("count must be from 1 to " + MAX_COUNT + ", was " + count + ".");
    }
    List<String> keys = new ArrayList<>();
    if (format == KeyFormat.HASH) {
      keys.add(hashKey(request, count));
    } else {
      if (request.method() != null || request.path() != null || request.body() != null) {
        throw invalid("method, path and body apply to hash keys only.");
      }
      KeyGenerator.Builder builder = KeyGenerator.builder().format(format);
      if (request.bits() != null) {
        if (format != KeyFormat.BASE64URL) {
          throw invalid("bits applies to base64url keys only (128 or 256).");
        }
        if (request.bits() != 128 && request.bits() != 256) {
          throw invalid("bits must be 128 or 256, was " + request.bits() + ".");
        }
        builder.bits(request.bits());
      }
      if (format == KeyFormat.COMPOSITE) {
        if (request.clientId() == null || request.clientId().isEmpty()) {
          throw invalid(
              "clientId is required for composite keys: 1 to "
                  + KeyGenerator.Builder.MAX_CLIENT_ID_LENGTH
                  + " characters of A-Z a-z 0-9 - _ .");
        }
        builder.clientId(request.clientId());
      } else if (request.clientId() != null) {
        throw invalid("clientId applies to composite keys only.");
      }
      KeyGenerator generator = builder.build();
      for (int i = 0; i < count; i++) {
        keys.add(generator.next());
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("format", format.id());
    answer.put("source", KEY_SOURCE);
    answer.put("strategy", strategy(format));
    answer.put("keys", keys.stream().map(ToolsController::inspection).toList());
    return answer;
  }

  /** The body of {@code POST /api/tools/inspect}. */
  record InspectRequest(String key) {}

  /** What a pasted key is: format, entropy, sortability and each profile's verdict. */
  @PostMapping("/inspect")
  Map<String, Object> inspect(@RequestBody InspectRequest request) {
    if (request.key() == null || request.key().isEmpty()) {
      throw invalid("key is required: paste the key to inspect.");
    }
    if (request.key().length() > MAX_KEY_LENGTH) {
      throw invalid(
          "key is "
              + request.key().length()
              + " characters; the inspector takes at most "
              + MAX_KEY_LENGTH
              + " (every profile refuses more than 255).");
    }
    return inspection(request.key());
  }

  /** The birthday bound: probability of a duplicate among n keys, and keys to reach a target. */
  @GetMapping("/collision")
  Map<String, Object> collision(
      @RequestParam(name = "keys", required = false) String keys,
      @RequestParam(name = "bits", required = false) String bits,
      @RequestParam(name = "target", required = false) String target) {
    double n = count("keys", keys == null || keys.isBlank() ? "1e9" : keys);
    Integer parsed = integer("bits", bits);
    int b = parsed == null ? 122 : parsed;
    if (b < 1 || b > 512) {
      throw invalid("bits must be from 1 to 512, was " + b + ".");
    }
    double p = count("target", target == null || target.isBlank() ? "1e-9" : target);
    if (!(p > 0 && p < 1)) {
      throw invalid("target must be a probability strictly between 0 and 1, was " + target + ".");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("keys", n);
    answer.put("bits", b);
    answer.put("probability", Collisions.probability(n, b));
    answer.put("target", p);
    answer.put("keysForTarget", Collisions.keysForProbability(p, b));
    List<Map<String, Object>> perFormat = new ArrayList<>();
    for (KeyFormat format : KeyFormat.values()) {
      if (format.randomBits() > 0) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("format", format.id());
        row.put("bits", format.randomBits());
        row.put("probability", Collisions.probability(n, format.randomBits()));
        row.put("keysForTarget", Collisions.keysForProbability(p, format.randomBits()));
        perFormat.add(row);
      }
    }
    answer.put("perFormat", perFormat);
    return answer;
  }

  /** The strategy comparison, from the properties idem-core declares for each format. */
  @GetMapping("/strategies")
  List<Map<String, Object>> strategies() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (KeyFormat format : KeyFormat.values()) {
      Map<String, Object> row = strategy(format);
      row.put(
          "example",
          switch (format) {
            case HASH ->
                KeyGenerator.hash(
                    "POST",
                    "/api/demo/orders",
                    "{\"item\":\"book\",\"amount\":1200}".getBytes(StandardCharsets.UTF_8));
            case COMPOSITE ->
                KeyGenerator.builder().format(format).clientId("client-42").build().next();
            default -> KeyGenerator.of(format).next();
          });
      rows.add(row);
    }
    return rows;
  }

  @ExceptionHandler(InvalidParameter.class)
  ResponseEntity<ProblemDetail> invalidParameter(InvalidParameter e) {
    return problem(e.getMessage());
  }

  /** Misuse the core catches (a client id with a space, say) is the caller's input: 400. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
    return problem(e.getMessage());
  }

  static ResponseEntity<ProblemDetail> problem(String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setType(URI.create(PROBLEM_TYPE));
    problem.setTitle("Invalid parameter");
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(problem);
  }

  private static String hashKey(KeygenRequest request, int count) {
    if (count != 1) {
      throw invalid("a hash key is the same for the same request: ask for count 1.");
    }
    if (request.bits() != null || request.clientId() != null) {
      throw invalid("bits and clientId do not apply to hash keys.");
    }
    String method = request.method() == null ? "POST" : request.method().strip();
    if (!method.matches("[A-Za-z]{1,16}")) {
      throw invalid("method must be an HTTP method such as POST, was '" + method + "'.");
    }
    String path = request.path() == null ? "" : request.path().strip();
    if (!path.startsWith("/") || path.length() > 2048 || path.chars().anyMatch(c -> c < 0x21)) {
      throw invalid("path must start with / and hold no spaces, e.g. /api/demo/orders.");
    }
    byte[] body = (request.body() == null ? "" : request.body()).getBytes(StandardCharsets.UTF_8);
    if (body.length > MAX_HASH_BODY_BYTES) {
      throw invalid("body must be at most " + MAX_HASH_BODY_BYTES + " bytes.");
    }
    return KeyGenerator.hash(method, path, body);
  }

  static Map<String, Object> inspection(String key) {
    KeyInspection inspection = KeyInspection.of(key);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("key", key);
    answer.put("length", key.length());
    answer.put("format", inspection.format().map(KeyFormat::id).orElse(null));
    answer.put("description", inspection.description());
    answer.put("randomBits", inspection.randomBits());
    answer.put("deterministic", inspection.deterministic());
    answer.put("sortable", inspection.sortable());
    answer.put("createdAt", inspection.createdAt().map(Object::toString).orElse(null));
    List<Map<String, Object>> profiles = new ArrayList<>();
    inspection
        .verdicts()
        .forEach(
            (profile, verdict) -> {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("profile", profile);
              row.put("accepted", verdict.accepted());
              row.put(
                  "detail",
                  verdict instanceof KeyCheck.Rejected rejected ? rejected.detail() : null);
              profiles.add(row);
            });
    answer.put("profiles", profiles);
    return answer;
  }

  private static Map<String, Object> strategy(KeyFormat format) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("format", format.id());
    row.put("randomBits", format.randomBits());
    row.put("deterministic", format.deterministic());
    row.put("sortable", format.sortable());
    row.put("bestFor", format.bestFor());
    row.put("risk", format.risk());
    return row;
  }

  private static String formatIds() {
    return String.join(
        ", ", java.util.Arrays.stream(KeyFormat.values()).map(KeyFormat::id).toList());
  }

  private static Integer integer(String name, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      throw invalid(name + " must be a whole number, was '" + text + "'.");
    }
  }

  private static double count(String name, String text) {
    try {
      return Collisions.parseCount(text);
    } catch (IllegalArgumentException e) {
      throw invalid(name + ": " + e.getMessage() + ".");
    }
  }

  static InvalidParameter invalid(String detail) {
    return new InvalidParameter(detail);
  }

  /** Bad input from the page or a script: answered 400 with the message as the detail. */
  static final class InvalidParameter extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidParameter(String detail) {
      super(detail, null, false, false);
    }
  }
}
