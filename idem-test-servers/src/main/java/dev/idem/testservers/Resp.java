package dev.idem.testservers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few RESP2 commands test set-up needs (PING, INFO, SCAN, DEL, CLUSTER …) over a plain socket,
 * so finding, starting and cleaning up servers depends on no Redis client library: the store under
 * test uses Lettuce, and the harness must not share its bugs. One connection, one thread.
 */
final class Resp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Resp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static Resp connect(String host, int port, int timeoutMillis) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      socket.setSoTimeout(Math.max(timeoutMillis, 5_000));
      return new Resp(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Whether a Redis server answers PING at host:port within the timeout. */
  static boolean answersPing(String host, int port, int timeoutMillis) {
    try (Resp resp = connect(host, port, timeoutMillis)) {
      return "PONG".equals(resp.command("PING"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Sends one command and reads its reply: a String for simple and bulk strings, Long for integers,
   * List for arrays, null for nil.
   *
   * @throws RespError if the server answered with an error
   */
  Object command(String... args) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    buffer.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      buffer.writeBytes(bytes);
      buffer.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(buffer.toByteArray());
    out.flush();
    return read();
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed by the server");
    }
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RespError(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] data = in.readNBytes(length + 2);
          return new String(data, 0, length, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(read());
          }
          return items;
        }
      default:
        throw new IOException("not a RESP2 reply type: " + (char) type);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed mid-reply");
      }
      line.write(b);
    }
    in.read(); // '\n'
    return line.toString(StandardCharsets.UTF_8);
  }

  /**
   * Deletes every key matching {@code prefix*} on this node with SCAN + UNLINK, never FLUSH*. A
   * Cluster node refuses a multi-key UNLINK across slots, so there it deletes one key at a time.
   */
  long deleteByPrefix(String prefix, boolean cluster) throws IOException {
    String cursor = "0";
    long deleted = 0;
    do {
      List<?> reply =
          (List<?>) command("SCAN", cursor, "MATCH", globEscape(prefix) + "*", "COUNT", "1000");
      cursor = (String) reply.get(0);
      List<?> keys = (List<?>) reply.get(1);
      if (cluster) {
        for (Object key : keys) {
          deleted += (Long) command("UNLINK", (String) key);
        }
      } else if (!keys.isEmpty()) {
        String[] del = new String[keys.size() + 1];
        del[0] = "UNLINK";
        for (int i = 0; i < keys.size(); i++) {
          del[i + 1] = (String) keys.get(i);
        }
        deleted += (Long) command(del);
      }
    } while (!"0".equals(cursor));
    return deleted;
  }

  private static String globEscape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** An error reply from the server. */
  static final class RespError extends IOException {
    private static final long serialVersionUID = 1L;

    RespError(String message) {
      super(message);
    }
  }
}
