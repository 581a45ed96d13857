package dev.idem.servlet;

import dev.idem.http.HttpRequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A servlet request as {@link dev.idem.http.HttpIdempotency} sees it. */
final class ServletRequestView implements HttpRequestView {
  private final HttpServletRequest request;
  private final String path;

  ServletRequestView(HttpServletRequest request, String path) {
    this.request = request;
    this.path = path;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String route() {
    String query = request.getQueryString();
    return query == null ? path : path + "?" + query;
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public @Nullable String principal() {
    Principal principal = request.getUserPrincipal();
    return principal == null ? null : principal.getName();
  }

  @Override
  public InputStream body() throws IOException {
    return request.getInputStream();
  }
}
