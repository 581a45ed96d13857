package dev.idem.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The verdict of one check. Immutable.
 *
 * @param name the check's stable identifier, e.g. {@code replay}
 * @param description one sentence on what the check asserts
 * @param passed whether the target behaved as the semantics require
 * @param exchanges every request the check sent and what came back, in order
 * @param reason why the check failed; null when it passed
 * @param elapsed how long the check took
 */
public record CheckResult(
    String name,
    String description,
    boolean passed,
    List<Exchange> exchanges,
    @Nullable String reason,
    Duration elapsed) {

  /**
   * @throws NullPointerException if an argument other than {@code reason} is null
   * @throws IllegalArgumentException if a failed result has no reason or a passed one has one
   */
  public CheckResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    exchanges = List.copyOf(exchanges);
    Objects.requireNonNull(elapsed, "elapsed");
    if (passed != (reason == null)) {
      throw new IllegalArgumentException("a failed check has a reason; a passed one has none");
    }
  }
}
