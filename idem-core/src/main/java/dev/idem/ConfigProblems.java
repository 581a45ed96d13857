package dev.idem;

import java.util.List;

/** Turns the problems a builder found into one exception that lists them all. */
final class ConfigProblems {
  private ConfigProblems() {}

  static void throwIfAny(String what, List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder("Invalid ")
            .append(what)
            .append(" configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    throw new IllegalArgumentException(message.toString());
  }
}
