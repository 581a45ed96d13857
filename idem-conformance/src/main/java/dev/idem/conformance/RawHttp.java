package dev.idem.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange over a bare socket, for the one request the JDK client cannot send: its
 * header encoder turns every non-ASCII character into {@code ?}, so a key with {@code é} would
 * reach the server as an ASCII key with a question mark. Here header values go out as UTF-8 bytes.
 * {@code Connection: close}, so the response ends at end of stream; chunked bodies are decoded.
 */
final class RawHttp {
  private static final int MAX_RESPONSE = 1 << 20;

  private RawHttp() {}

  static Exchange.Response send(Exchange.Request request, Duration timeout) throws IOException {
    URI uri = request.uri();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() != -1 ? uri.getPort() : (tls ? 443 : 80);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    write(head, request.method() + " " + path + " HTTP/1.1\r\n");
    write(head, "Host: " + host + (uri.getPort() == -1 ? "" : ":" + port) + "\r\n");
    write(head, "Connection: close\r\n");
    write(head, "Content-Length: " + body.length + "\r\n");
    for (Exchange.Header header : request.headers()) {
      write(head, header.name() + ": " + header.value() + "\r\n");
    }
    write(head, "\r\n");
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(bareHost, port), millis);
    try (Socket socket =
        tls
            ? ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, bareHost, port, true)
            : plain) {
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(head.toByteArray());
      out.write(body);
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } finally {
      plain.close();
    }
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) != -1) {
      all.write(buffer, 0, n);
      if (all.size() > MAX_RESPONSE) {
        throw new IOException("response larger than " + MAX_RESPONSE + " bytes");
      }
    }
    return all.toByteArray();
  }

  static Exchange.Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("incomplete HTTP response");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + lines[0]);
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + lines[0], e);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        headers.merge(
            name,
            List.of(value),
            (a, b) -> {
              List<String> merged = new java.util.ArrayList<>(a);
              merged.addAll(b);
              return merged;
            });
      }
    }
    int bodyStart = end + 4;
    byte[] body;
    if (headers.getOrDefault("transfer-encoding", List.of()).stream()
        .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
      body = dechunk(raw, bodyStart);
    } else {
      int length = raw.length - bodyStart;
      List<String> declared = headers.get("content-length");
      if (declared != null) {
        try {
          length = Math.min(length, Integer.parseInt(declared.get(0)));
        } catch (NumberFormatException ignored) {
          // A broken Content-Length: the body is what the connection carried before it closed.
        }
      }
      body = java.util.Arrays.copyOfRange(raw, bodyStart, bodyStart + length);
    }
    return new Exchange.Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] raw, int from) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = from;
    while (true) {
      int lineEnd = indexOfCrlf(raw, i);
      if (lineEnd < 0) {
        throw new IOException("truncated chunked body");
      }
      String size = new String(raw, i, lineEnd - i, StandardCharsets.ISO_8859_1);
      int semicolon = size.indexOf(';');
      int length;
      try {
        length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + size, e);
      }
      i = lineEnd + 2;
      if (length == 0) {
        return out.toByteArray();
      }
      if (i + length > raw.length) {
        throw new IOException("truncated chunked body");
      }
      out.write(raw, i, length);
      i += length + 2;
    }
  }

  private static int indexOfCrlf(byte[] raw, int from) {
    for (int i = from; i + 1 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
