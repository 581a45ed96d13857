package dev.idem.app;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code idem} command. Start-up matters for these short-lived commands, so nothing here boots
 * a framework: picocli parses, the core does the work, and only {@code serve} will start a server.
 */
@Command(
    name = "idem",
    mixinStandardHelpOptions = true,
    versionProvider = IdemCli.Version.class,
    description =
        "Idempotency toolkit: secure keys, key inspection, collision maths, conformance checks, and"
            + " the web tool.",
    subcommands = {
      KeygenCommand.class,
      KeyCommand.class,
      CollisionCommand.class,
      CheckCommand.class,
      CodegenCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class IdemCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns its exit status; for tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new IdemCli());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          cmd.getErr().println("idem: " + exception.getMessage());
          // Bad values that only the core can judge (a count, a probability) are usage errors.
          return exception instanceof IllegalArgumentException
              ? ExitCodes.USAGE
              : ExitCodes.SOFTWARE;
        });
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = IdemCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "idem " + (version == null ? "development build" : version),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
