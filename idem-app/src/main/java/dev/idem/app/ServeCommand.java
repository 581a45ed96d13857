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
      "Not available in this build yet."
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
            "idem serve: the web tool and demo API are not built yet. This build has idem keygen,"
                + " idem key inspect, idem collision and idem check. See README.md.");
    return ExitCodes.OK;
  }
}
