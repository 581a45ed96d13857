package dev.idem.bench.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load generator: request {@code i} is due at {@code start + i / rate}, whatever
 * happened to the requests before it, and its latency is measured from that due time, not from when
 * it was actually sent. A stalled server therefore shows up as latency of every request that should
 * have gone out meanwhile (no coordinated omission), as long as the connections are enough for the
 * rate; wrk, being closed-loop, cannot measure this.
 *
 * <p>Each connection is one thread with a blocking keep-alive socket; a thread takes the next due
 * request, sleeps until it is due, sends it and reads the whole response. Every request carries a
 * fresh {@code Idempotency-Key}, so a protected endpoint takes its new-key path each time.
 *
 * <pre>
 * OpenLoopLoad URL RATE_PER_S DURATION_S WARMUP_S CONNECTIONS KEY_PREFIX
 * </pre>
 *
 * Prints one line: {@code rate=… completed=… errors=… p50_us=… p90_us=… p99_us=… p999_us=…
 * max_us=…}. Exits 1 if any response was not 201 or a connection failed.
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
    URI url = URI.create(args[0]);
    double rate = Double.parseDouble(args[1]);
    double duration = Double.parseDouble(args[2]);
    double warmup = Double.parseDouble(args[3]);
    int connections = Integer.parseInt(args[4]);
    Result result = run(url, rate, duration, warmup, connections, args[5]);
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
      throws InterruptedException {
    long period = (long) (1e9 / rate);
    long warmupCount = (long) (warmup * rate);
    long total = warmupCount + (long) (duration * rate);
    long[] latencies = new long[(int) (total - warmupCount)];
    Arrays.fill(latencies, -1);
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime() + 50_000_000; // let every thread connect first
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Thread thread =
          new Thread(
              () -> {
                Connection connection = null;
                long i;
                while ((i = next.getAndIncrement()) < total) {
                  long due = start + i * period;
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  try {
                    if (connection == null) {
                      connection = new Connection(url);
                    }
                    int status = connection.post(url, keyPrefix + i);
                    if (status != 201) {
                      errors.incrementAndGet();
                    }
                    if (connection.closing) {
                      connection.close(); // the server's keep-alive limit; reconnect on next send
                      connection = null;
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                    if (connection != null) {
                      connection.close();
                    }
                    connection = null;
                  }
                  if (i >= warmupCount) {
                    latencies[(int) (i - warmupCount)] = (System.nanoTime() - due) / 1000;
                  }
                }
                if (connection != null) {
                  connection.close();
                }
              },
              "load-" + c);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
    return new Result(rate, measured.length, errors.get(), measured);
  }

  /** One keep-alive HTTP/1.1 connection; reads Content-Length and chunked responses. */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final StringBuilder line = new StringBuilder();
    private final byte[] skip = new byte[8192];
    private boolean closing;

    Connection(URI url) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 16384);
    }

    int post(URI url, String key) throws IOException {
      String request =
          "POST "
              + url.getRawPath()
              + " HTTP/1.1\r\nHost: "
              + url.getHost()
              + ":"
              + url.getPort()
              + "\r\nContent-Type: application/json\r\nIdempotency-Key: "
              + key
              + "\r\nContent-Length: "
              + BODY.length()
              + "\r\n\r\n"
              + BODY;
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String statusLine = readLine();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      closing = false;
      String header;
      while (!(header = readLine()).isEmpty()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.equalsIgnoreCase("chunked");
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          closing = true;
        }
      }
      if (chunked) {
        long size;
        while ((size = Long.parseLong(readLine().trim(), 16)) > 0) {
          skip(size);
          readLine();
        }
        while (!readLine().isEmpty()) {
          // trailers
        }
      } else if (length > 0) {
        skip(length);
      }
      return status;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        int read = in.read(skip, 0, (int) Math.min(skip.length, n));
        if (read < 0) {
          throw new IOException("connection closed in a body");
        }
        n -= read;
      }
    }

    private String readLine() throws IOException {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing after a failure or at the end; nothing to do
      }
    }
  }
}
