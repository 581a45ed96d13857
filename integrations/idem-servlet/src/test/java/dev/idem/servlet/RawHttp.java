package dev.idem.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deliberately naive HTTP/1.1 client over a socket, for requests the JDK client refuses to send:
 * exact header name casing, repeated fields, control and non-ASCII bytes in values.
 */
final class RawHttp {
  private RawHttp() {}

  record Response(int status, List<String> headerLines, String body) {
    List<String> header(String name) {
      List<String> values = new ArrayList<>();
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      for (String line : headerLines) {
        if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          values.add(line.substring(prefix.length()).trim());
        }
      }
      return values;
    }
  }

  /** Sends one request (header lines as ISO-8859-1 bytes) and reads the response to the end. */
  static Response send(int port, String method, String path, List<String> headerLines, byte[] body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      head.append("Host: localhost\r\nConnection: close\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
      for (String line : headerLines) {
        head.append(line).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("no complete response head: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
    return new Response(status, headers, text.substring(end + 4));
  }

  /** Reads from {@code in} until {@code marker} has arrived; returns what was read. */
  static String readUntil(InputStream in, String marker) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      seen.write(b);
      if (seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
        return seen.toString(StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("stream ended before '" + marker + "': " + seen);
  }
}
