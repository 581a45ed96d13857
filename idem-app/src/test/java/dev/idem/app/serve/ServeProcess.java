package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar idem.jar serve ...} as a separate JVM, the way users start it. */
final class ServeProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "idem.jar").toAbsolutePath();
  private static final Pattern LISTENING =
      Pattern.compile("idem serve: listening on (http://[^ ]+:(\\d+)) ");
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<URI> base = new CompletableFuture<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private ServeProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  output.append(line).append('\n');
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    base.complete(URI.create(matcher.group(1)));
                  }
                }
              } catch (IOException e) {
                output.append("(output ended: ").append(e).append(")\n");
              }
              base.completeExceptionally(new IllegalStateException("idem serve exited"));
            },
            "idem-serve-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code idem serve --port 0} in {@code workDirectory} and waits until it listens. */
  static ServeProcess start(Path workDirectory, String... arguments) throws Exception {
    ServeProcess serve = launch(workDirectory, arguments);
    serve.awaitListening();
    return serve;
  }

  /** Starts {@code idem serve} without waiting: for tests that expect it to fail. */
  static ServeProcess launch(Path workDirectory, String... arguments) throws IOException {
    assertThat(JAR).as("the package phase builds target/idem.jar").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: three of these share two cores with the test.
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", JAR.toString(), "serve"));
    command.addAll(List.of(arguments));
    if (!List.of(arguments).contains("--port")) {
      command.addAll(List.of("--port", "0"));
    }
    Process process =
        new ProcessBuilder(command)
            .directory(workDirectory.toFile())
            .redirectErrorStream(true)
            .start();
    return new ServeProcess(process);
  }

  void awaitListening() throws Exception {
    try {
      base.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("idem serve did not start; its output:\n" + output, e);
    }
  }

  URI base() {
    return base.join();
  }

  String output() {
    return output.toString();
  }

  /** Waits until the output contains {@code text}, which the server may print after listening. */
  void awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!output.toString().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(output.toString()).contains(text);
  }

  /** Waits for the process to exit on its own and returns its status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("idem serve exited; output:\n%s", output)
        .isTrue();
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no graceful anything, as a crashed host. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, the graceful stop, and waits for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(base().resolve(pathAndQuery)).timeout(Duration.ofSeconds(60));
  }

  HttpRequest.Builder order(String key, String tenant, String body, String query) {
    HttpRequest.Builder request =
        request("/api/demo/orders" + query)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    if (tenant != null) {
      request.header("X-Tenant-Id", tenant);
    }
    return request;
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  long count(String tenant) throws IOException, InterruptedException {
    HttpRequest.Builder request = request("/api/demo/orders/count").GET();
    if (tenant != null) {
      request.header("X-Tenant-Id", tenant);
    }
    HttpResponse<String> response = send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Matcher matcher = Pattern.compile("\"count\":(\\d+)").matcher(response.body());
    assertThat(matcher.find()).as(response.body()).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
