package dev.idem.app;

import dev.idem.KeyCheck;
import dev.idem.KeyInspection;
import dev.idem.KeyPolicy;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code idem key}: commands about one key. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Commands about one idempotency key.",
    subcommands = {KeyCommand.Inspect.class, CommandLine.HelpCommand.class})
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code idem key inspect KEY}: format, entropy, time, and each profile's verdict. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = {
        "Tells a key's format, random bits, embedded time and which key policies accept it.",
        "Exits 1 when the key is invalid for --profile (default ietf). Put -- before a key that"
            + " starts with '-'."
      })
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key to inspect.")
    String key;

    @Option(
        names = {"-p", "--profile"},
        defaultValue = "ietf",
        description =
            "Profile whose verdict decides the exit status: ietf, stripe, adyen, amazon-pay, base64url (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
      KeyPolicy policy;
      try {
        policy = KeyPolicy.named(profile);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      KeyInspection inspection = KeyInspection.of(key);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.inspection(key, inspection));
      } else {
        printText(out, inspection);
      }
      boolean valid = inspection.verdicts().get(policy.name()).accepted();
      return valid ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
    }

    private void printText(PrintWriter out, KeyInspection inspection) {
      out.printf("format:        %s%n", inspection.format().map(f -> f.id()).orElse("unknown"));
      out.printf("description:   %s%n", inspection.description());
      out.printf("length:        %d characters%n", key.length());
      out.printf(
          "random bits:   %d%s%n",
          inspection.randomBits(),
          inspection.deterministic()
              ? " (deterministic: derived from content)"
              : inspection.format().isEmpty() ? " (upper bound)" : "");
      out.printf("sortable:      %s%n", inspection.sortable() ? "yes, by creation time" : "no");
      inspection.createdAt().ifPresent(t -> out.printf("created at:    %s%n", t));
      out.println("profiles:");
      for (Map.Entry<String, KeyCheck> verdict : inspection.verdicts().entrySet()) {
        KeyCheck check = verdict.getValue();
        String marker = verdict.getKey().equals(KeyPolicy.named(profile).name()) ? "*" : " ";
        if (check instanceof KeyCheck.Rejected rejected) {
          out.printf(
              " %s %-11s rejected (%s): %s%n",
              marker, verdict.getKey(), rejected.rule(), rejected.detail());
        } else {
          out.printf(" %s %-11s accepted%n", marker, verdict.getKey());
        }
      }
    }
  }
}
