/** Idem for Jakarta Servlet 6: a filter that applies the HTTP idempotency protocol to routes. */
@org.jspecify.annotations.NullMarked
module dev.idem.servlet {
  requires transitive dev.idem.http;
  requires transitive jakarta.servlet;
  requires static org.jspecify;

  exports dev.idem.servlet;
}
