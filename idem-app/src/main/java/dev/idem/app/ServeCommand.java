package dev.idem.app;

import dev.idem.app.serve.IdemServer;
import dev.idem.app.serve.StoreOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code idem serve}: the demo API and web tool on the Spring Boot starter. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the demo API protected by Idem, with Prometheus metrics and health, on one port.",
      "",
      "  POST /api/demo/orders          {\"item\": string, \"amount\": integer}; needs an",
      "                                 Idempotency-Key. ?delayMs=0..10000 slows the",
      "                                 handler, ?fail=500 makes it fail.",
      "  POST /api/demo/sandbox/orders  The same with a 5s retention, to watch a key",
      "                                 expire.",
      "  GET  /api/demo/orders/count    The side-effect counter of the tenant",
      "                                 (X-Tenant-Id, default public).",
      "  GET  /actuator/prometheus, /actuator/health",
      "",
      "Stores: memory; h2:PATH (the default, a file under ./data, so records survive",
      "restarts); redis://HOST:PORT; jdbc:postgresql://..., jdbc:mariadb://...,",
      "jdbc:h2:... Database credentials may also come from SPRING_DATASOURCE_USERNAME",
      "and SPRING_DATASOURCE_PASSWORD."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--store",
      defaultValue = StoreOption.DEFAULT,
      description = "memory, h2:PATH, redis://..., jdbc:... (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--retention",
      description = "How long responses are replayed, e.g. 24h, 30s (default: 24h).")
  String retention;

  @Option(
      names = "--lease",
      description = "How long a claim lasts without a heartbeat, e.g. 60s (default: 60s).")
  String lease;

  @Option(
      names = "--max-wait",
      description = "How long a concurrent duplicate waits before 409, e.g. 2s (default: 0).")
  String maxWait;

  @Option(
      names = "--profile",
      description = "HTTP profile: ietf (mismatch 422) or stripe (mismatch 400) (default: ietf).")
  String profile;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "Any Spring Boot or idem.* property, repeatable, e.g. --set"
              + " idem.store.redis.key-prefix=demo:")
  List<String> properties = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new ParameterException(spec.commandLine(), "--port must be from 0 to 65535");
    }
    StoreOption storeOption;
    try {
      storeOption = StoreOption.parse(store);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<String> arguments = new ArrayList<>();
    arguments.add("--server.port=" + port);
    arguments.add("--server.address=" + bind);
    storeOption.properties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
    addIfSet(arguments, "idem.retention", retention);
    addIfSet(arguments, "idem.lease", lease);
    addIfSet(arguments, "idem.max-wait", maxWait);
    addIfSet(arguments, "idem.key-policy", profile);
    addIfSet(arguments, "idem.http.profile", profile);
    for (String property : properties) {
      int equals = property.indexOf('=');
      if (equals <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--set takes NAME=VALUE, not '" + property + "'");
      }
      arguments.add("--" + property);
    }
    try {
      IdemServer.start(arguments, storeOption, System.out);
    } catch (RuntimeException e) {
      // Spring has already logged its failure analysis; end with one line that says what to do.
      spec.commandLine()
          .getErr()
          .println("idem serve: could not start: " + explain(e, storeOption));
      return ExitCodes.SOFTWARE;
    }
    // The web server's threads keep the JVM alive; this thread waits for the shutdown hook.
    new CountDownLatch(1).await();
    return ExitCodes.OK;
  }

  private static void addIfSet(List<String> arguments, String name, String value) {
    if (value != null) {
      arguments.add("--" + name + "=" + value);
    }
  }

  /** One line a user can act on, for the failures a local server meets. */
  static String explain(Throwable e, StoreOption store) {
    String root = rootMessage(e);
    if (store.kind() == StoreOption.Kind.H2 && root.contains("file is locked")) {
      return "another process (another idem serve?) has the H2 file open: "
          + store.description()
          + ". Stop it, or pass --store h2:OTHER_PATH or --store memory.";
    }
    if (root.contains("Connection refused") || root.contains("Unable to connect")) {
      return "the store does not answer ("
          + root
          + "). Is "
          + store.description()
          + " running and reachable?";
    }
    return root + ". The log above has the details.";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
