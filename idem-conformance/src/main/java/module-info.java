/**
 * The black-box idempotency conformance checker: runs the scenarios of Idem's HTTP semantics
 * against any endpoint and reports pass/fail per check. Depends on the JDK HTTP client and
 * idem-core (for fresh random keys) only.
 */
@org.jspecify.annotations.NullMarked
module dev.idem.conformance {
  requires transitive java.net.http;
  requires dev.idem.core;
  requires static org.jspecify;

  exports dev.idem.conformance;
}
