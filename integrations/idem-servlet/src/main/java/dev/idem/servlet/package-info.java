/** A Jakarta Servlet filter built on {@link dev.idem.http.HttpIdempotency}. */
package dev.idem.servlet;
