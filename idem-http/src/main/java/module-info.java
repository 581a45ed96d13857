/**
 * Idem HTTP: the idempotency protocol for HTTP servers, independent of any framework. Adapters (the
 * Servlet filter, later others) translate their requests into {@link dev.idem.http.HttpRequestView}
 * and write out the {@link dev.idem.http.Decision} they get back.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.http {
  requires transitive dev.idem.core;
  requires static org.jspecify;

  exports dev.idem.http;
}
