package dev.idem.app.serve;

import dev.idem.spring.Idempotent;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo orders endpoint with a retention of {@value #RETENTION}, so the web tool's "after
 * expiry" scenario can show a key becoming free again on a default {@code idem serve}, whose
 * retention is 24 hours. Same handler, same ledger and counter as {@code /api/demo/orders}; only
 * the route policy differs, which is why it is a route of its own rather than a query parameter:
 * the starter's policy is per route, and a parameter that shortened retention would let any client
 * shorten the protection of the real demo route.
 */
@RestController
class SandboxOrdersController {
  static final String PATH = "/api/demo/sandbox/orders";
  static final String RETENTION = "5s";
  static final int RETENTION_SECONDS = 5;

  private final DemoOrdersController orders;

  SandboxOrdersController(DemoOrdersController orders) {
    this.orders = orders;
  }

  /** Places an order exactly as the demo route does; the key is replayed for 5 seconds. */
  @Idempotent(retention = RETENTION)
  @PostMapping(PATH)
  ResponseEntity<?> place(
      @RequestHeader(name = Tenants.HEADER, required = false) List<String> tenantHeaders,
      @RequestParam(name = "delayMs", required = false) String delayMs,
      @RequestParam(name = "fail", required = false) String fail,
      @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestBody(required = false) byte[] body)
      throws IOException, InterruptedException {
    return orders.place(tenantHeaders, delayMs, fail, contentType, body);
  }
}
