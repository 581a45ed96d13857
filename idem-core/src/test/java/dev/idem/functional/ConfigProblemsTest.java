package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.spi.ConfigProblems;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConfigProblems")
class ConfigProblemsTest {

  @Test
  @DisplayName("lists every problem, indenting one that spans lines under its bullet")
  void listsAndIndents() {
    IllegalArgumentException e =
        ConfigProblems.of("Thing", List.of("size must be positive", "nested:\n  - inner"));
    assertThat(e)
        .hasMessage(
            "Invalid Thing configuration (2 problems):\n"
                + "  - size must be positive\n"
                + "  - nested:\n"
                + "      - inner");
  }

  @Test
  @DisplayName("throws only when there is something to report")
  void throwIfAny() {
    ConfigProblems.throwIfAny("Thing", List.of());
    assertThatThrownBy(() -> ConfigProblems.throwIfAny("Thing", List.of("bad")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid Thing configuration (1 problem):\n  - bad");
    assertThatThrownBy(() -> ConfigProblems.of("Thing", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
