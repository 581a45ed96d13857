package dev.idem.servlet;

import dev.idem.http.HttpRequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * A form whose body a filter before this one parsed (anything calling {@code getParameter} on a
   * POST form, Spring's {@code FormContentFilter} for PUT, PATCH and DELETE) keeps its parameters:
   * they are encoded in the container's order, so different forms fingerprint differently. Only
   * when they hold more than the query string, since a body read raw leaves no parameters behind
   * and the query alone would make every body look alike.
   */
  @Override
  public Optional<byte[]> consumedBody() {
    String type = request.getContentType();
    if (type == null || !isForm(type)) {
      return Optional.empty();
    }
    Map<String, String[]> parameters = request.getParameterMap();
    int values = 0;
    StringBuilder encoded = new StringBuilder();
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      for (String value : parameter.getValue()) {
        if (values++ > 0) {
          encoded.append('&');
        }
        encoded
            .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    if (values <= queryValues(request.getQueryString())) {
      return Optional.empty();
    }
    return Optional.of(encoded.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isForm(String contentType) {
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return media.equalsIgnoreCase("application/x-www-form-urlencoded");
  }

  /** How many parameter values the query string holds, as a container parses it. */
  private static int queryValues(@Nullable String query) {
    if (query == null || query.isEmpty()) {
      return 0;
    }
    int count = 0;
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        count++;
      }
    }
    return count;
  }
}
