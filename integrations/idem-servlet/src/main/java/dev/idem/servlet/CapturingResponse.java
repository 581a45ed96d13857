package dev.idem.servlet;

import dev.idem.http.ResponseSnapshot;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Holds a protected handler's whole response instead of sending it: status, headers, body (from the
 * output stream or the writer), errors and redirects. Nothing reaches the client, and the response
 * is never committed, until the filter writes the decision; {@code flushBuffer} and content-length
 * hints are absorbed. Cookies are kept apart: they go to this client only, never to the store.
 *
 * <p>{@code sendError} ends the response as the specification says, but the container's error page
 * cannot be captured: the container renders it after the filter chain returns, when the answer was
 * already decided and stored, so the first client and every replay got an empty body. An error
 * status (4xx, 5xx) is captured with an RFC 9457 {@code application/problem+json} body instead:
 * {@code type} {@code about:blank}, the status's {@code title} and the {@code status}. The message
 * is left out, as Spring Boot leaves it out of its error body by default: it may hold internals.
 * After {@code sendError} or {@code sendRedirect} the response is committed, so anything written
 * later is discarded, as a container discards it.
 */
final class CapturingResponse extends HttpServletResponseWrapper {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private int status = SC_OK;
  private final List<ResponseSnapshot.Header> headers = new ArrayList<>();
  private final List<Cookie> cookies = new ArrayList<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private @Nullable String characterEncoding;

  /** The charset the writer encodes with, once {@link #getWriter()} was called; else null. */
  private @Nullable String writerEncoding;

  private @Nullable ServletOutputStream stream;
  private @Nullable PrintWriter writer;
  private boolean committed;

  /** The body as the handler writes it: nothing once the response is committed. */
  private final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) {
          if (!committed) {
            body.write(b);
          }
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (!committed) {
            body.write(b, off, len);
          }
        }
      };

  CapturingResponse(HttpServletResponse response) {
    super(response);
  }

  /** The response as captured so far; flushes the writer. */
  ResponseSnapshot snapshot() {
    if (writer != null) {
      writer.flush();
    }
    return new ResponseSnapshot(status, headers, body.toByteArray());
  }

  List<Cookie> cookies() {
    return cookies;
  }

  @Override
  public void setStatus(int sc) {
    if (!committed) {
      status = sc;
    }
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc, @Nullable String msg) {
    sendError(sc); // the message is not stored; see the class description
  }

  @Override
  public void sendError(int sc) {
    checkNotCommitted();
    discardBody();
    status = sc;
    if (sc >= 400 && sc <= 599) {
      headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
      headers.add(new ResponseSnapshot.Header("Content-Type", "application/problem+json"));
      byte[] problem =
          ("{\"type\":\"about:blank\",\"title\":\"" + title(sc) + "\",\"status\":" + sc + "}")
              .getBytes(StandardCharsets.UTF_8);
      body.write(problem, 0, problem.length);
    }
    committed = true;
  }

  @Override
  public void sendRedirect(String location) {
    checkNotCommitted();
    status = SC_FOUND;
    setHeader("Location", location);
    discardBody();
    committed = true;
  }

  @Override
  public void addCookie(Cookie cookie) {
    cookies.add(cookie);
  }

  @Override
  public void setHeader(String name, @Nullable String value) {
    if (committed || name == null) {
      return;
    }
    if (name.equalsIgnoreCase("Content-Type")) {
      setContentType(value);
      return;
    }
    if (name.equalsIgnoreCase("Content-Length")) {
      return; // the filter frames the body it writes
    }
    headers.removeIf(h -> h.name().equalsIgnoreCase(name));
    if (value != null) {
      headers.add(new ResponseSnapshot.Header(name, value));
    }
  }

  @Override
  public void addHeader(String name, @Nullable String value) {
    if (committed || name == null || value == null) {
      return;
    }
    if (name.equalsIgnoreCase("Content-Type")) {
      setContentType(value);
      return;
    }
    if (name.equalsIgnoreCase("Content-Length")) {
      return;
    }
    headers.add(new ResponseSnapshot.Header(name, value));
  }

  @Override
  public void setIntHeader(String name, int value) {
    setHeader(name, Integer.toString(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    addHeader(name, Integer.toString(value));
  }

  @Override
  public void setDateHeader(String name, long date) {
    setHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
  }

  @Override
  public void addDateHeader(String name, long date) {
    addHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
  }

  @Override
  public boolean containsHeader(String name) {
    return headers.stream().anyMatch(h -> h.name().equalsIgnoreCase(name));
  }

  @Override
  public @Nullable String getHeader(String name) {
    return headers.stream()
        .filter(h -> h.name().equalsIgnoreCase(name))
        .map(ResponseSnapshot.Header::value)
        .findFirst()
        .orElse(null);
  }

  @Override
  public Collection<String> getHeaders(String name) {
    return headers.stream()
        .filter(h -> h.name().equalsIgnoreCase(name))
        .map(ResponseSnapshot.Header::value)
        .toList();
  }

  @Override
  public Collection<String> getHeaderNames() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    headers.forEach(h -> names.add(h.name()));
    return names;
  }

  @Override
  public void setContentType(@Nullable String type) {
    if (committed) {
      return;
    }
    headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
    if (type == null) {
      return;
    }
    String charset = charsetParameter(type);
    if (writerEncoding != null) {
      // The Servlet specification: once the writer exists its charset is fixed, and the header
      // must keep naming the charset the body's bytes are really in.
      type = withCharset(type, writerEncoding);
    } else if (charset != null) {
      characterEncoding = charset;
    } else if (characterEncoding != null && type.toLowerCase(Locale.ROOT).startsWith("text/")) {
      type = type + ";charset=" + characterEncoding;
    }
    headers.add(new ResponseSnapshot.Header("Content-Type", type));
  }

  @Override
  public @Nullable String getContentType() {
    return getHeader("Content-Type");
  }

  @Override
  public void setCharacterEncoding(@Nullable String charset) {
    if (committed || writer != null || charset == null) {
      return;
    }
    characterEncoding = charset;
    String type = getContentType();
    if (type != null) {
      int semicolon = type.indexOf(';');
      String base = semicolon < 0 ? type : type.substring(0, semicolon);
      headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
      headers.add(new ResponseSnapshot.Header("Content-Type", base + ";charset=" + charset));
    }
  }

  /**
   * The writer's charset once it exists; else the one set on this capture; else the wrapped
   * response's, which may already be set (Spring's {@code server.servlet.encoding.force-response},
   * a filter's {@code setCharacterEncoding}, the context's response encoding).
   */
  @Override
  public String getCharacterEncoding() {
    if (writerEncoding != null) {
      return writerEncoding;
    }
    if (characterEncoding != null) {
      return characterEncoding;
    }
    String inherited = getResponse().getCharacterEncoding();
    return inherited != null ? inherited : StandardCharsets.ISO_8859_1.name();
  }

  @Override
  public void setLocale(Locale locale) {
    if (locale != null) {
      setHeader("Content-Language", locale.toLanguageTag());
    }
  }

  @Override
  public void setContentLength(int len) {
    // Absorbed: the filter sets the length of what it finally writes.
  }

  @Override
  public void setContentLengthLong(long len) {
    // Absorbed, as above.
  }

  @Override
  public void setBufferSize(int size) {
    // The whole response is buffered until the filter writes it.
  }

  @Override
  public void flushBuffer() {
    // No early commit: the filter decides what is sent once the handler has returned.
    if (writer != null) {
      writer.flush();
    }
  }

  @Override
  public boolean isCommitted() {
    return committed;
  }

  @Override
  public void reset() {
    checkNotCommitted();
    status = SC_OK;
    headers.clear();
    cookies.clear();
    discardBody();
  }

  @Override
  public void resetBuffer() {
    checkNotCommitted();
    discardBody();
  }

  /**
   * Empties the body, including what the writer still buffers: flushed later, it would reappear
   * after the reset.
   */
  private void discardBody() {
    if (writer != null) {
      writer.flush();
    }
    body.reset();
  }

  /** The RFC 9110 reason phrase of {@code status}, or its class's name. */
  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

  @Override
  public ServletOutputStream getOutputStream() {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called");
    }
    if (stream == null) {
      stream =
          new ServletOutputStream() {
            @Override
            public void write(int b) throws IOException {
              sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              sink.write(b, off, len);
            }

            @Override
            public boolean isReady() {
              return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
              try {
                listener.onWritePossible();
              } catch (IOException e) {
                listener.onError(e);
              }
            }
          };
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws UnsupportedEncodingException {
    if (stream != null) {
      throw new IllegalStateException("getOutputStream() was already called");
    }
    if (writer == null) {
      String name = getCharacterEncoding();
      Charset charset;
      try {
        charset = Charset.forName(name);
      } catch (IllegalArgumentException e) {
        // What the specification asks for; a silent fallback would store bytes in one charset
        // under a header naming another.
        throw new UnsupportedEncodingException(name);
      }
      writer = new PrintWriter(new OutputStreamWriter(sink, charset));
      writerEncoding = name;
      // As a container does: a body written as text says which charset its bytes are in.
      String type = getContentType();
      if (type != null) {
        headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
        headers.add(new ResponseSnapshot.Header("Content-Type", withCharset(type, name)));
      }
    }
    return writer;
  }

  /** {@code type} with its charset parameter, if any, replaced by {@code charset}. */
  private static String withCharset(String type, String charset) {
    StringBuilder out = new StringBuilder();
    for (String part : type.split(";")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty() || trimmed.regionMatches(true, 0, "charset=", 0, 8)) {
        continue;
      }
      out.append(out.length() == 0 ? "" : ";").append(trimmed);
    }
    return out.append(";charset=").append(charset).toString();
  }

  private void checkNotCommitted() {
    if (committed) {
      throw new IllegalStateException("the response was already committed");
    }
  }

  private static @Nullable String charsetParameter(String type) {
    for (String part : type.split(";")) {
      String trimmed = part.trim();
      if (trimmed.regionMatches(true, 0, "charset=", 0, 8)) {
        String value = trimmed.substring(8).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }
}
