package dev.idem.bench.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load generator in the manner of wrk2: request {@code i} is due at {@code start
 * + i / rate} whatever happened to the requests before it, and its latency is measured from that
 * due time, not from when it could actually be sent. A server that stalls therefore shows up as
 * latency of every request that fell due meanwhile and waited for a free connection — no
 * coordinated omission — which a closed-loop tool such as wrk hides.
 *
 * <p>One thread drives every keep-alive connection through a selector, so the generator costs the
 * shared CPU little; between due times it parks, and responses that arrive meanwhile are stamped
 * when it wakes, which overstates a latency by at most one inter-request gap (the same for every
 * endpoint measured). Every request carries a fresh {@code Idempotency-Key}, so a protected
 * endpoint takes its new-key path each time.
 *
 * <pre>
 * OpenLoopLoad URL RATE_PER_S DURATION_S WARMUP_S CONNECTIONS KEY_PREFIX
 * </pre>
 *
 * Prints one line: {@code rate=… completed=… errors=… p50_us=… p90_us=… p99_us=… p999_us=…
 * max_us=…} over the requests after the warm-up. Exits 1 if any response was not 201 or a
 * connection failed.
 */
public final class OpenLoopLoad {
  static final String BODY = "{\"item\":\"widget-42\",\"quantity\":2}";

  private OpenLoopLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: OpenLoopLoad URL RATE_PER_S DURATION_S WARMUP_S CONNECTIONS KEY_PREFIX");
      System.exit(2);
    }
    Result result =
        run(
            URI.create(args[0]),
            Double.parseDouble(args[1]),
            Double.parseDouble(args[2]),
            Double.parseDouble(args[3]),
            Integer.parseInt(args[4]),
            args[5]);
    System.out.println(result);
    System.exit(result.errors() == 0 ? 0 : 1);
  }

  /** Latencies of the measured (post-warm-up) requests, in microseconds, sorted. */
  record Result(double rate, long completed, long errors, long[] sortedMicros) {
    long percentile(double p) {
      if (sortedMicros.length == 0) {
        return -1;
      }
      int index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
      return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))];
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "rate=%.0f completed=%d errors=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d",
          rate,
          completed,
          errors,
          percentile(50),
          percentile(90),
          percentile(99),
          percentile(99.9),
          percentile(100));
    }
  }

  static Result run(
      URI url, double rate, double duration, double warmup, int connections, String keyPrefix)
      throws IOException {
    long period = (long) (1e9 / rate);
    long warmupCount = (long) (warmup * rate);
    long total = warmupCount + (long) (duration * rate);
    long[] latencies = new long[(int) (total - warmupCount)];
    Arrays.fill(latencies, -1);
    long errors = 0;
    long finished = 0;
    ArrayDeque<Connection> idle = new ArrayDeque<>();
    ArrayDeque<Long> waiting = new ArrayDeque<>(); // due requests without a free connection
    try (Selector selector = Selector.open()) {
      for (int c = 0; c < connections; c++) {
        idle.add(new Connection(url, selector));
      }
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      long next = 0;
      while (finished < total) {
        long now = System.nanoTime();
        while (next < total && start + next * period <= now) {
          waiting.add(next++);
        }
        while (!waiting.isEmpty() && !idle.isEmpty()) {
          long i = waiting.poll();
          Connection connection = idle.poll();
          try {
            if (connection.dead) {
              connection = connection.reopen(selector);
            }
            connection.send(i, start + i * period, keyPrefix + i);
          } catch (IOException e) {
            errors++;
            finished++;
            idle.add(connection.reopen(selector));
          }
        }
        long wait = next < total ? start + next * period - System.nanoTime() : Long.MAX_VALUE;
        if (wait > TimeUnit.MILLISECONDS.toNanos(2) || (!waiting.isEmpty() && idle.isEmpty())) {
          // Nothing falls due soon, or nothing can be sent before a response: sleep in select.
          selector.select(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(wait) - 1)));
        } else {
          selector.selectNow();
        }
        long stamp = System.nanoTime();
        var selected = selector.selectedKeys().iterator();
        while (selected.hasNext()) {
          SelectionKey key = selected.next();
          selected.remove();
          Connection connection = (Connection) key.attachment();
          if (connection.inFlight < 0) {
            // An idle connection the server closed (keep-alive timeout): reopen it before use.
            connection.dead = true;
            key.cancel();
            continue;
          }
          int status;
          try {
            status = connection.read();
          } catch (IOException e) {
            status = -1;
          }
          if (status == 0) {
            continue; // the response is not complete yet
          }
          finished++;
          if (status != 201) {
            errors++;
          }
          long i = connection.inFlight;
          connection.inFlight = -1;
          if (i >= warmupCount) {
            latencies[(int) (i - warmupCount)] = (stamp - connection.due) / 1000;
          }
          idle.add(status < 0 || connection.closing ? connection.reopen(selector) : connection);
        }
        if (selector.selectedKeys().isEmpty() && waiting.isEmpty()) {
          long gap = next < total ? start + next * period - System.nanoTime() : 0;
          if (gap > 0 && gap <= TimeUnit.MILLISECONDS.toNanos(2)) {
            LockSupport.parkNanos(gap);
          }
        }
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
    }
    long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
    return new Result(rate, measured.length, errors, measured);
  }

  /** One keep-alive HTTP/1.1 connection with at most one request in flight. */
  private static final class Connection {
    private final URI url;
    private final SocketChannel channel;
    private final String head;
    private ByteBuffer in = ByteBuffer.allocate(4096);
    long inFlight = -1;
    long due;
    boolean closing;
    boolean dead;

    Connection(URI url, Selector selector) throws IOException {
      this.url = url;
      channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
      head =
          "POST "
              + url.getRawPath()
              + " HTTP/1.1\r\nHost: "
              + url.getHost()
              + ":"
              + url.getPort()
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + BODY.length()
              + "\r\nIdempotency-Key: ";
    }

    Connection reopen(Selector selector) throws IOException {
      channel.close();
      return new Connection(url, selector);
    }

    void send(long index, long dueNanos, String key) throws IOException {
      inFlight = index;
      due = dueNanos;
      closing = false;
      in.clear();
      ByteBuffer out =
          ByteBuffer.wrap((head + key + "\r\n\r\n" + BODY).getBytes(StandardCharsets.ISO_8859_1));
      // A request of ~200 bytes fits any socket buffer; spin on the rare partial write.
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          Thread.onSpinWait();
        }
      }
    }

    /** The status once the whole response is in, 0 while it is not; throws on a closed socket. */
    int read() throws IOException {
      if (!in.hasRemaining()) {
        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
      }
      if (channel.read(in) < 0) {
        throw new IOException("connection closed");
      }
      return parse(in.array(), in.position());
    }

    /** Parses a complete response in {@code b[0, n)}; 0 if incomplete. */
    private int parse(byte[] b, int n) {
      int headEnd = indexOf(b, 0, n, "\r\n\r\n");
      if (headEnd < 0) {
        return 0;
      }
      String headers = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(headers.substring(9, 12));
      long length = 0;
      boolean chunked = false;
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.equalsIgnoreCase("chunked");
        } else if (name.equalsIgnoreCase("Connection")) {
          closing = value.equalsIgnoreCase("close");
        }
      }
      int at = headEnd + 4;
      if (!chunked) {
        return n - at >= length ? status : 0;
      }
      while (true) {
        int lineEnd = indexOf(b, at, n, "\r\n");
        if (lineEnd < 0) {
          return 0;
        }
        String sizeField = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
        int semicolon = sizeField.indexOf(';');
        long size =
            Long.parseLong(
                (semicolon < 0 ? sizeField : sizeField.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          // No trailers from the servers this drives: the final CRLF ends the response.
          return indexOf(b, lineEnd + 2, n, "\r\n") == lineEnd + 2 ? status : 0;
        }
        at = lineEnd + 2 + (int) size + 2;
        if (at > n) {
          return 0;
        }
      }
    }

    private static int indexOf(byte[] b, int from, int to, String s) {
      outer:
      for (int i = from; i <= to - s.length(); i++) {
        for (int j = 0; j < s.length(); j++) {
          if (b[i + j] != s.charAt(j)) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
