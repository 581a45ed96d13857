package dev.idem.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import dev.idem.spring.Idempotent;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo API that the web tool, {@code idem check} and the multi-instance tests drive: placing an
 * order is the side effect that must happen once per key, and the count shows whether it did.
 */
@RestController
@RequestMapping("/api/demo/orders")
class DemoOrdersController {
  static final int MAX_DELAY_MS = 10_000;
  static final int MAX_ITEM_LENGTH = 200;
  static final String PROBLEM_BASE = "https://idem.dev/problems/demo-";

  private final OrderLedger ledger;
  private final ObjectMapper json;
  private final Clock clock;
  private final KeyGenerator orderIds = KeyGenerator.of(KeyFormat.ULID);

  DemoOrdersController(OrderLedger ledger, ObjectMapper json) {
    this.ledger = ledger;
    this.json = json;
    this.clock = Clock.systemUTC();
  }

  /** Places an order. The filter has already claimed the key when this runs. */
  @Idempotent
  @PostMapping
  ResponseEntity<?> place(
      @RequestHeader(name = Tenants.HEADER, required = false) List<String> tenantHeaders,
      @RequestParam(name = "delayMs", required = false) String delayMs,
      @RequestParam(name = "fail", required = false) String fail,
      @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestBody(required = false) byte[] body)
      throws IOException, InterruptedException {
    Optional<String> tenant = Tenants.of(tenantHeaders);
    if (tenant.isEmpty()) {
      return invalidTenant();
    }
    if (contentType != null && !isJson(contentType)) {
      // A form content type would hand the body to the servlet container as parameters.
      return problem(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported-media-type",
          "Unsupported media type",
          "Send the order as JSON with Content-Type: application/json, not " + contentType + ".");
    }
    long delay;
    try {
      delay = delayMs == null ? 0 : Long.parseLong(delayMs.strip());
    } catch (NumberFormatException e) {
      delay = -1;
    }
    if (delay < 0 || delay > MAX_DELAY_MS) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "invalid-parameter",
          "Invalid parameter",
          "delayMs must be a whole number of milliseconds from 0 to " + MAX_DELAY_MS + ".");
    }
    if (fail != null && !fail.strip().equals("500")) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "invalid-parameter",
          "Invalid parameter",
          "fail only takes the value 500 (the handler then answers 500 Internal Server Error).");
    }
    Optional<String> invalid = validate(body);
    if (invalid.isPresent()) {
      return problem(HttpStatus.BAD_REQUEST, "invalid-order", "Invalid order", invalid.get());
    }
    JsonNode order = json.readTree(body == null ? new byte[0] : body);
    if (delay > 0) {
      Thread.sleep(delay);
    }
    if (fail != null) {
      return problem(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "handler-failed",
          "The handler failed",
          "The demo handler failed because the request asked it to (fail=500); no order was"
              + " placed. This response is stored: a retry with the same key replays it.");
    }
    Order placed =
        new Order(
            "ord_" + orderIds.next(),
            tenant.get(),
            order.get("item").textValue(),
            order.get("amount").longValue(),
            clock.instant());
    ledger.record(placed);
    return ResponseEntity.created(URI.create("/api/demo/orders/" + placed.id())).body(placed);
  }

  /** The side-effect counter: how many orders this tenant has. */
  @GetMapping("/count")
  ResponseEntity<?> count(
      @RequestHeader(name = Tenants.HEADER, required = false) List<String> tenantHeaders) {
    Optional<String> tenant = Tenants.of(tenantHeaders);
    if (tenant.isEmpty()) {
      return invalidTenant();
    }
    return ResponseEntity.ok(Map.of("tenant", tenant.get(), "count", ledger.count(tenant.get())));
  }

  /** The order a {@code Location} header points to. */
  @GetMapping("/{id}")
  ResponseEntity<?> find(
      @RequestHeader(name = Tenants.HEADER, required = false) List<String> tenantHeaders,
      @PathVariable("id") String id) {
    Optional<String> tenant = Tenants.of(tenantHeaders);
    if (tenant.isEmpty()) {
      return invalidTenant();
    }
    return ledger
        .find(tenant.get(), id)
        .<ResponseEntity<?>>map(ResponseEntity::ok)
        .orElseGet(
            () ->
                problem(
                    HttpStatus.NOT_FOUND,
                    "order-not-found",
                    "Order not found",
                    "This tenant has no order " + id + "."));
  }

  private static boolean isJson(String contentType) {
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.getSubtype().equals("json") || type.getSubtype().endsWith("+json");
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }

  private Optional<String> validate(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.of("Send a JSON object such as {\"item\": \"book\", \"amount\": 1200}.");
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JsonProcessingException e) {
      return Optional.of(
          "The body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "). Send an object such as {\"item\": \"book\", \"amount\": 1200}.");
    } catch (IOException e) {
      return Optional.of("The body could not be read.");
    }
    if (node == null || !node.isObject()) {
      return Optional.of("The body must be a JSON object with item and amount.");
    }
    JsonNode item = node.get("item");
    if (item == null || !item.isTextual() || item.textValue().isBlank()) {
      return Optional.of("item must be a non-empty string.");
    }
    if (item.textValue().length() > MAX_ITEM_LENGTH) {
      return Optional.of("item must be at most " + MAX_ITEM_LENGTH + " characters.");
    }
    JsonNode amount = node.get("amount");
    if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong()) {
      return Optional.of("amount must be an integer (minor units, such as cents).");
    }
    return Optional.empty();
  }

  private static ResponseEntity<ProblemDetail> invalidTenant() {
    return problem(
        HttpStatus.BAD_REQUEST,
        "invalid-tenant",
        "Invalid tenant",
        "X-Tenant-Id must be sent at most once, with 1 to "
            + Tenants.MAX_LENGTH
            + " visible ASCII characters; without it the tenant is '"
            + Tenants.DEFAULT
            + "'.");
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(PROBLEM_BASE + type));
    problem.setTitle(title);
    return ResponseEntity.status(status).body(problem);
  }
}
