package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

class IdemWebConfigurationTest {
  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(WebMvcAutoConfiguration.class, IdemAutoConfiguration.class));

  @Test
  void failsStartupWhenNothingIsProtected() {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .rootCause()
              .hasMessageContaining("no route is protected")
              .hasMessageContaining("@Idempotent");
        });
  }

  @Test
  void protectsPropertyConfiguredRoutes() {
    runner
        .withPropertyValues("idem.http.routes=/payments/**")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean("idempotencyFilterRegistration"))
                  .isInstanceOfSatisfying(
                      FilterRegistrationBean.class,
                      registration ->
                          assertThat(registration.getFilter().toString()).contains("/payments/**"));
            });
  }

  @Test
  void refusesAPerRouteBodyLimitAboveWhatIsFingerprinted() {
    runner
        .withUserConfiguration(BigUploads.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("maxBodySize 4194304")
                  .hasMessageContaining("raise idem.http.max-body-size to at least 4194304");
            });
    runner
        .withUserConfiguration(BigUploads.class)
        .withPropertyValues("idem.http.max-body-size=4MB")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @RestController
  static class BigUploads {
    @Idempotent(maxBodySize = 4L * 1024 * 1024)
    @PostMapping("/uploads")
    String upload(@RequestBody String body) {
      return "ok";
    }
  }

  @Test
  void refusesAsynchronousHandlersListingEach() {
    runner
        .withUserConfiguration(AsyncOrders.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("it returns CompletableFuture")
                  .hasMessageContaining("it returns DeferredResult")
                  .hasMessageContaining("it returns Callable")
                  .hasMessageContaining("it returns ResponseEntity<StreamingResponseBody>")
                  .hasMessageContaining("AsyncOrders#suspending")
                  .hasMessageContaining("it is a Kotlin suspend function")
                  .hasMessageContaining("replay an empty answer")
                  .hasMessageNotContaining("syncEntity");
            });
  }

  @Test
  void acceptsSynchronousResultsInAResponseEntity() {
    runner
        .withUserConfiguration(SyncOrders.class)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @RestController
  static class AsyncOrders {
    @Idempotent
    @PostMapping("/future")
    java.util.concurrent.CompletableFuture<String> future() {
      return java.util.concurrent.CompletableFuture.completedFuture("ok");
    }

    @Idempotent
    @PostMapping("/deferred")
    org.springframework.web.context.request.async.DeferredResult<String> deferred() {
      return new org.springframework.web.context.request.async.DeferredResult<>();
    }

    @Idempotent
    @PostMapping("/callable")
    java.util.concurrent.Callable<String> callable() {
      return () -> "ok";
    }

    @Idempotent
    @PostMapping("/stream")
    org.springframework.http.ResponseEntity<
            org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody>
        stream() {
      return org.springframework.http.ResponseEntity.ok(out -> out.write(1));
    }

    /** What kotlinc makes of {@code suspend fun suspending(): String}. */
    @Idempotent
    @PostMapping("/suspending")
    Object suspending(kotlin.coroutines.Continuation<? super String> continuation) {
      return "ok";
    }

    @Idempotent
    @PostMapping("/sync")
    org.springframework.http.ResponseEntity<String> syncEntity() {
      return org.springframework.http.ResponseEntity.ok("ok");
    }
  }

  @RestController
  static class SyncOrders {
    @Idempotent
    @PostMapping("/sync")
    org.springframework.http.ResponseEntity<String> syncEntity() {
      return org.springframework.http.ResponseEntity.ok("ok");
    }
  }

  @Test
  void reportsAnInvalidRoutePattern() {
    runner
        .withPropertyValues("idem.http.routes=/payments/**/refunds")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("/payments/**/refunds")
                  .hasMessageContaining("may only be the last segment");
            });
  }
}
