package dev.idem.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.conformance.ConformanceChecker;
import dev.idem.conformance.ConformanceReport;
import dev.idem.conformance.Profile;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import dev.idem.testservers.RedisTestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every generated example project for real: Node with express/ioredis/pg from npm, FastAPI on
 * Debian's python3 packages, Spring Boot built with Maven from Maven Central, each against the real
 * Redis or PostgreSQL, and holds it to every conformance check (after-expiry included, with the
 * retention shortened through the environment), and with a 400 mismatch status to the Stripe
 * profile. For shared stores, a duplicate sent to a second instance must replay the first
 * instance's response.
 *
 * <p>Missing tools are a failure naming what to install ({@code .ci/run} installs them), never a
 * skip.
 */
class GeneratedProjectsIT {
  private static final Duration RETENTION = Duration.ofSeconds(2);
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  static Stream<Arguments> combinations() {
    List<Arguments> all = new ArrayList<>();
    for (Framework framework : Framework.values()) {
      for (Store store : Store.values()) {
        if (framework.supports(store)) {
          all.add(Arguments.of(framework, store));
        }
      }
    }
    return all.stream();
  }

  @AfterEach
  void stopServers() throws InterruptedException {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @DisplayName("the generated example passes idem check, and shared stores share the dedup")
  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("combinations")
  void generatedExamplePassesEveryCheck(Framework framework, Store store) throws Exception {
    write(CodegenOptions.builder().framework(framework).store(store).build());
    prepare(framework);
    Map<String, String> env = storeEnvironment(store);

    int port = start(framework, env);
    ConformanceReport report =
        ConformanceChecker.builder()
            .target(URI.create("http://127.0.0.1:" + port + "/orders?delayMs=300"))
            .retention(RETENTION)
            .build()
            .run();
    assertThat(report.passed()).as("%s", report.toText()).isTrue();
    assertThat(report.passedCount()).isEqualTo(16);

    if (store != Store.MEMORY) {
      int second = start(framework, env);
      String key = "shared-" + UUID.randomUUID();
      HttpResponse<String> first = post(port, key);
      HttpResponse<String> duplicate = post(second, key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(duplicate.statusCode()).isEqualTo(201);
      assertThat(duplicate.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(duplicate.body()).isEqualTo(first.body());
    }
  }

  @DisplayName("--mismatch-status 400 passes idem check --profile stripe")
  @ParameterizedTest(name = "{0}")
  @EnumSource(Framework.class)
  void stripeMismatchStatus(Framework framework) throws Exception {
    write(CodegenOptions.builder().framework(framework).mismatchStatus(400).build());
    prepare(framework);
    int port = start(framework, Map.of());
    ConformanceReport report =
        ConformanceChecker.builder()
            .target(URI.create("http://127.0.0.1:" + port + "/orders?delayMs=300"))
            .profile(Profile.STRIPE)
            .build()
            .run();
    assertThat(report.passed()).as("%s", report.toText()).isTrue();
  }

  private void write(CodegenOptions options) throws IOException {
    for (GeneratedFile file : Codegen.generate(options).files()) {
      Path target = dir.resolve(file.path());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    }
  }

  private void prepare(Framework framework) throws Exception {
    switch (framework) {
      case EXPRESS ->
          run(
              "npm is required to run the generated Express.js project: install Node.js 18+ with"
                  + " npm (apt-get install nodejs npm)",
              Duration.ofMinutes(3),
              "npm",
              "install",
              "--no-audit",
              "--no-fund",
              "--loglevel=error");
      case FASTAPI ->
          run(
              "Debian's python3 with FastAPI, uvicorn, redis and psycopg2 is required: apt-get"
                  + " install python3-fastapi python3-uvicorn python3-redis python3-psycopg2",
              Duration.ofSeconds(30),
              PYTHON,
              "-c",
              "import fastapi, uvicorn, redis, psycopg2");
      case SPRING_BOOT ->
          // Already inside the build's lock (this test runs under mvn verify): no flock here.
          run(
              "Maven (mvn) is required to build the generated Spring Boot project",
              Duration.ofMinutes(5),
              "mvn",
              "-q",
              "-B",
              "package",
              "-DskipTests");
    }
  }

  private Map<String, String> storeEnvironment(Store store) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IDEMPOTENCY_RETENTION_MS", Long.toString(RETENTION.toMillis()));
    switch (store) {
      case MEMORY -> {}
      case REDIS -> {
        RedisTestServer redis = RedisTestServer.shared();
        env.put("REDIS_URL", redis.uri());
        env.put("IDEMPOTENCY_PREFIX", RedisTestServer.newKeyPrefix());
      }
      case POSTGRES -> {
        JdbcTestDatabase db = PostgresTestServer.get();
        URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        String auth = db.user() + (db.password().isEmpty() ? "" : ":" + db.password());
        env.put(
            "DATABASE_URL",
            "postgresql://" + auth + "@" + uri.getHost() + ":" + uri.getPort() + uri.getPath());
        env.put("JDBC_DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", db.user());
        env.put("DATABASE_PASSWORD", db.password());
      }
    }
    return env;
  }

  private int start(Framework framework, Map<String, String> env) throws Exception {
    int port = freePort();
    List<String> command =
        switch (framework) {
          case EXPRESS -> List.of("node", "server.js");
          case FASTAPI -> List.of(PYTHON, "main.py");
          case SPRING_BOOT ->
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  "target/idempotency-example-1.0.0.jar");
        };
    Path log = dir.resolve("server-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("PORT", Integer.toString(port));
    Process process = builder.start();
    processes.add(process);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            framework.displayName()
                + " example exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return port;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError(
        framework.displayName()
            + " example did not listen on "
            + port
            + " within "
            + STARTUP
            + ":\n"
            + Files.readString(log));
  }

  private void run(String missing, Duration timeout, String... command) throws Exception {
    Path log = Files.createTempFile(dir, "step", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(missing + " (" + e.getMessage() + ")", e);
    }
    processes.add(process);
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(
          String.join(" ", command) + " took over " + timeout + ":\n" + Files.readString(log));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          missing
              + "\n"
              + String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + ":\n"
              + Files.readString(log));
    }
  }

  private static HttpResponse<String> post(int port, String key) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"shared\",\"amount\":3}"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
