package dev.idem.spi;

import java.util.List;
import java.util.Objects;

/**
 * How every Idem builder reports invalid configuration: one {@link IllegalArgumentException} that
 * lists every problem at once, so a user fixes them in one pass instead of one per restart. Store
 * and adapter builders use it too, so that all of Idem reads the same.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigProblems {
  private ConfigProblems() {}

  /**
   * Throws when {@code problems} is not empty.
   *
   * @param what the thing configured, e.g. {@code "RedisIdempotencyStore"}
   * @param problems one sentence per problem, saying what is wrong and what is expected
   * @throws IllegalArgumentException listing every problem, when there is at least one
   * @throws NullPointerException if an argument is null
   */
  public static void throwIfAny(String what, List<String> problems) {
    Objects.requireNonNull(what, "what");
    if (!Objects.requireNonNull(problems, "problems").isEmpty()) {
      throw of(what, problems);
    }
  }

  /**
   * The exception listing {@code problems}, for callers that throw it themselves. A problem that
   * spans lines (another builder's message, say) is indented under its bullet.
   *
   * @param what the thing configured
   * @param problems at least one problem
   * @throws IllegalArgumentException if {@code problems} is empty
   * @throws NullPointerException if an argument is null
   */
  public static IllegalArgumentException of(String what, List<String> problems) {
    Objects.requireNonNull(what, "what");
    if (Objects.requireNonNull(problems, "problems").isEmpty()) {
      throw new IllegalArgumentException("no configuration problems to report");
    }
    StringBuilder message =
        new StringBuilder("Invalid ")
            .append(what)
            .append(" configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String problem : problems) {
      message.append("\n  - ").append(problem.replace("\n", "\n    "));
    }
    return new IllegalArgumentException(message.toString());
  }
}
