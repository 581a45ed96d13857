package dev.idem.app.serve;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application behind {@code idem serve}: the Spring Boot starter protecting the demo API, with
 * Prometheus metrics and health on the same port. Started only by the serve command, so the other
 * commands never load Spring.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class IdemServer {

  /** Defaults a command-line {@code --name=value} or the environment may override. */
  static Map<String, Object> defaults() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.main.banner-mode", "off");
    defaults.put("spring.jmx.enabled", "false");
    defaults.put("spring.main.log-startup-info", "false");
    defaults.put("spring.application.name", "idem-serve");
    defaults.put("logging.level.root", "WARN");
    defaults.put("logging.level.dev.idem", "INFO");
    // A failed start ends with one line from the serve command; Boot's own analysis (a port in
    // use, say) still prints, its stack trace of the same failure does not.
    defaults.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
    defaults.put("logging.pattern.console", "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
    defaults.put("server.shutdown", "graceful");
    defaults.put("server.error.whitelabel.enabled", "false");
    defaults.put("server.error.include-stacktrace", "never");
    defaults.put("spring.mvc.problemdetails.enabled", "true");
    defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
    defaults.put("management.endpoint.health.show-details", "always");
    defaults.put("management.metrics.tags.application", "idem-serve");
    return defaults;
  }

  /**
   * A store that is down at startup (Redis restarting, say) is not fatal: requests get 503 until it
   * answers, as in production. Say so up front rather than let the first 503 surprise.
   */
  private static void warnIfTheStoreIsDown(ApplicationContext context, PrintStream out) {
    if (!context.containsBean("idemStoreHealthIndicator")) {
      return;
    }
    Health health = context.getBean("idemStoreHealthIndicator", HealthIndicator.class).health();
    if (!Status.UP.equals(health.getStatus())) {
      out.println(
          "idem serve: warning: the store does not answer yet ("
              + health.getDetails()
              + "); protected requests get 503 + Retry-After until it does.");
    }
  }

  /**
   * Starts the server and returns once it listens; prints the address to {@code out}.
   *
   * @param arguments Spring {@code --name=value} arguments, which win over every default
   * @param store the store, for the startup line
   * @throws RuntimeException when the application cannot start (a port in use, an unreachable
   *     store)
   */
  public static ConfigurableApplicationContext start(
      List<String> arguments, StoreOption store, PrintStream out) {
    SpringApplication application = new SpringApplication(IdemServer.class);
    application.setDefaultProperties(defaults());
    application.setRegisterShutdownHook(true);
    application.addListeners(
        (ApplicationListener<WebServerInitializedEvent>)
            event -> {
              int port = event.getWebServer().getPort();
              String address =
                  event
                      .getApplicationContext()
                      .getEnvironment()
                      .getProperty("server.address", "localhost");
              String base =
                  "http://" + (address.equals("0.0.0.0") ? "localhost" : address) + ":" + port;
              out.println(
                  "idem serve: listening on " + base + " (store: " + store.description() + ")");
              out.println("  web tool      " + base + "/");
              out.println(
                  "  demo API      POST "
                      + base
                      + "/api/demo/orders, GET "
                      + base
                      + "/api/demo/orders/count");
              out.println(
                  "  sandbox       POST "
                      + base
                      + SandboxOrdersController.PATH
                      + " (retention "
                      + SandboxOrdersController.RETENTION
                      + ", for the expiry scenario)");
              out.println(
                  "  tools API     " + base + "/api/tools/ (keygen, inspect, collision, check)");
              out.println("  metrics       " + base + "/actuator/prometheus");
              out.println("  health        " + base + "/actuator/health");
              warnIfTheStoreIsDown(event.getApplicationContext(), out);
              out.flush();
            });
    return application.run(arguments.toArray(String[]::new));
  }
}
