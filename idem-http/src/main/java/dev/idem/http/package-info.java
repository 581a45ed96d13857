/**
 * The HTTP idempotency protocol: {@code Idempotency-Key} parsing, route policies, response
 * snapshots, RFC 9457 problems and replay, behind {@link dev.idem.http.HttpIdempotency}.
 */
package dev.idem.http;
