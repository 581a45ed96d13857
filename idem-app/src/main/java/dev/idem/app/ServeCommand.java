package dev.idem.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code idem serve}: the web tool and demo API. The server itself arrives with the HTTP work. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the web tool (key generator, dedup simulator, code generator) and the demo API.",
      "Not available in this build yet: the HTTP layer and the embedded store come next."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--store",
      defaultValue = "h2:./data/idem",
      description = "Store: memory, h2:PATH, redis://..., jdbc:... (default: ${DEFAULT-VALUE}).")
  String store;

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println(
            "idem serve: the web tool and demo API arrive with the HTTP work (Servlet filter, Spring Boot"
                + " starter, H2 store). This build has the CLI tools: idem keygen, idem key inspect,"
                + " idem collision. See README.md.");
    return ExitCodes.OK;
  }
}
