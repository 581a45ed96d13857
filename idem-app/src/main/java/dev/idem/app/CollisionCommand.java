package dev.idem.app;

import dev.idem.Collisions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code idem collision}: the birthday bound for n random keys of b bits, and its inverse. */
@Command(
    name = "collision",
    mixinStandardHelpOptions = true,
    description = {
      "Probability that n random keys of b bits contain at least one collision.",
      "Birthday bound: P = 1 - e^(-n(n-1)/2N), N = 2^bits, computed stably for tiny P.",
      "With --target, also how many keys reach that probability."
    })
final class CollisionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-n", "--keys"},
      required = true,
      description = "Number of keys: 1000000, 1_000_000, 1e15, 2^64, 10^9.")
  String keys;

  @Option(
      names = {"-b", "--bits"},
      defaultValue = "128",
      description = "Random bits per key (default: ${DEFAULT-VALUE}; UUID v4 has 122, ULID 80).")
  int bits;

  @Option(
      names = "--target",
      description = "Also print how many keys reach this probability, e.g. 1e-9.")
  String target;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    double n = Collisions.parseCount(keys);
    double p = Collisions.probability(n, bits);
    out.println(format(p));
    if (target != null) {
      double goal = Collisions.parseCount(target);
      out.printf(
          Locale.ROOT,
          "keys until P reaches %s: %s%n",
          format(goal),
          format(Collisions.keysForProbability(goal, bits)));
    }
    return ExitCodes.OK;
  }

  static String format(double value) {
    if (value == 0 || (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e7)) {
      return String.format(Locale.ROOT, "%.6g", value).replaceAll("\\.?0+$", "");
    }
    return String.format(Locale.ROOT, "%.6e", value);
  }
}
