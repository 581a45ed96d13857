package dev.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RoutePolicyTest {

  @Test
  void defaultsProtectPostAndPatchOnly() {
    RoutePolicy policy = RoutePolicy.ofDefaults();
    assertThat(policy.protects("post")).isTrue();
    assertThat(policy.protects("PATCH")).isTrue();
    for (String method : new String[] {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}) {
      assertThat(policy.protects(method)).as(method).isFalse();
    }
    assertThat(policy.keyRequired()).isTrue();
    assertThat(policy.maxWait()).isZero();
  }

  @Test
  void defaultStatusRules() {
    RoutePolicy policy = RoutePolicy.ofDefaults();
    assertThat(policy.releases(401)).isTrue();
    assertThat(policy.releases(429)).isTrue();
    assertThat(policy.releases(500)).isFalse();
    assertThat(policy.releases(201)).isFalse();
    assertThat(policy.withRetryable(true).releases(503)).isTrue();
    assertThat(policy.withReleasingStatuses(409, 409).releases(401)).isFalse();
  }

  @Test
  void withersChangeOneAttribute() {
    RoutePolicy policy =
        RoutePolicy.ofDefaults()
            .withMethods("put")
            .withKeyRequired(false)
            .withRetention(Duration.ofHours(1))
            .withLease(Duration.ofSeconds(5))
            .withMaxWait(Duration.ofMillis(200))
            .withMaxBodyBytes(10);
    assertThat(policy.methods()).containsExactly("PUT");
    assertThat(policy.keyRequired()).isFalse();
    assertThat(policy.retention()).isEqualTo(Duration.ofHours(1));
    assertThat(policy.lease()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.maxWait()).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.maxBodyBytes()).isEqualTo(10);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> RoutePolicy.ofDefaults().withMethods("PO ST"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePolicy.ofDefaults().withReleasingStatuses(42))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePolicy.ofDefaults().withRetention(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePolicy.ofDefaults().withMaxWait(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePolicy.ofDefaults().withMaxBodyBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profiles() {
    assertThat(HttpProfile.ietf().mismatchStatus()).isEqualTo(422);
    assertThat(HttpProfile.stripe().mismatchStatus()).isEqualTo(400);
    assertThat(HttpProfile.named("STRIPE")).isEqualTo(HttpProfile.stripe());
    assertThatThrownBy(() -> HttpProfile.named("adyen"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ietf, stripe");
    assertThatThrownBy(() -> new HttpProfile("x", 500))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
