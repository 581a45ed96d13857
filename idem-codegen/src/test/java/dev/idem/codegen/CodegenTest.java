package dev.idem.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CodegenTest {

  @Nested
  @DisplayName("options")
  class Options {
    @Test
    @DisplayName("defaults are the DESIGN's: Idempotency-Key, 24h, 60s, key required, 422")
    void defaults() {
      CodegenOptions options = CodegenOptions.builder().framework(Framework.EXPRESS).build();
      assertThat(options.store()).isEqualTo(Store.MEMORY);
      assertThat(options.headerName()).isEqualTo("Idempotency-Key");
      assertThat(options.retention()).isEqualTo(Duration.ofHours(24));
      assertThat(options.lease()).isEqualTo(Duration.ofSeconds(60));
      assertThat(options.keyRequired()).isTrue();
      assertThat(options.mismatchStatus()).isEqualTo(422);
    }

    @Test
    @DisplayName("every invalid option is listed at once")
    void listsEveryProblem() {
      assertThatThrownBy(
              () ->
                  CodegenOptions.builder()
                      .headerName("Idem'Key")
                      .retention(Duration.ZERO)
                      .lease(Duration.ofDays(2))
                      .mismatchStatus(409)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("5 problems")
          .hasMessageContaining("framework is required: one of express, fastapi, spring-boot")
          .hasMessageContaining("headerName must be 1 to 64 letters")
          .hasMessageContaining("retention must be 1s to 365 days")
          .hasMessageContaining("lease must be 1s to 1 day")
          .hasMessageContaining("mismatchStatus must be 422 (IETF draft) or 400 (Stripe)");
    }

    @Test
    @DisplayName("sub-millisecond durations are refused, not rounded")
    void wholeMilliseconds() {
      assertThatThrownBy(
              () ->
                  CodegenOptions.builder()
                      .framework(Framework.FASTAPI)
                      .retention(Duration.ofSeconds(2).plusNanos(5))
                      .build())
          .hasMessageContaining("retention must be whole milliseconds");
    }

    @Test
    @DisplayName("an option can be set once")
    void once() {
      CodegenOptions.Builder builder = CodegenOptions.builder().store(Store.REDIS);
      assertThatThrownBy(() -> builder.store(Store.POSTGRES))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("store was already set");
    }

    @Test
    @DisplayName("ids parse in any case and unknown ones name the known ones")
    void ids() {
      assertThat(Framework.of("Spring-Boot")).isEqualTo(Framework.SPRING_BOOT);
      assertThat(Store.of("POSTGRES")).isEqualTo(Store.POSTGRES);
      assertThatThrownBy(() -> Framework.of("django"))
          .hasMessage("unknown framework 'django': use express, fastapi, spring-boot");
      assertThatThrownBy(() -> Store.of("mongo"))
          .hasMessage("unknown store 'mongo': use memory, redis, postgres");
    }
  }

  @Nested
  @DisplayName("generation")
  class Generation {
    @ParameterizedTest
    @EnumSource(Framework.class)
    @DisplayName("every placeholder of every store's files is filled")
    void noPlaceholderLeft(Framework framework) {
      for (Store store : Store.values()) {
        GeneratedProject project =
            Codegen.generate(CodegenOptions.builder().framework(framework).store(store).build());
        assertThat(project.files()).isNotEmpty();
        for (GeneratedFile file : project.files()) {
          assertThat(file.content()).as(file.path()).doesNotContain("{{").doesNotContain("}}");
        }
        assertThat(project.middleware().path()).isEqualTo(framework.middlewarePath());
        assertThat(project.middleware().content())
            .contains("https://idem.dev/problems/")
            .contains("idempotency-key-missing")
            .contains("idempotency-key-malformed")
            .contains("idempotency-key-reused")
            .contains("request-in-progress")
            .contains("Idempotent-Replayed");
      }
    }

    @Test
    @DisplayName("the options are baked into the middleware")
    void optionsReachTheCode() {
      CodegenOptions options =
          CodegenOptions.builder()
              .framework(Framework.EXPRESS)
              .store(Store.REDIS)
              .headerName("X-Request-Key")
              .retention(Duration.ofHours(2))
              .lease(Duration.ofSeconds(30))
              .keyRequired(false)
              .mismatchStatus(400)
              .build();
      GeneratedProject project = Codegen.generate(options);
      assertThat(project.middleware().content())
          .contains("headerName: 'X-Request-Key'")
          .contains("retentionMs: 7200000")
          .contains("leaseMs: 30000")
          .contains("keyRequired: false")
          .contains("mismatchStatus: 400")
          .contains("class RedisStore")
          .doesNotContain("class MemoryStore");
      assertThat(project.file("package.json").content()).contains("\"ioredis\"");
      assertThat(Codegen.summary(options))
          .isEqualTo(
              "Express.js, Redis store, header X-Request-Key, retention 2h, lease 30s, key"
                  + " optional, mismatch 400");
    }

    @Test
    @DisplayName("each framework gets its manifest and its store's client")
    void manifests() {
      assertThat(
              Codegen.generate(
                      CodegenOptions.builder()
                          .framework(Framework.FASTAPI)
                          .store(Store.POSTGRES)
                          .keyRequired(false)
                          .build())
                  .file("requirements.txt")
                  .content())
          .contains("psycopg2-binary")
          .contains("python3-psycopg2");
      GeneratedProject spring =
          Codegen.generate(
              CodegenOptions.builder()
                  .framework(Framework.SPRING_BOOT)
                  .store(Store.POSTGRES)
                  .build());
      assertThat(spring.file("pom.xml").content())
          .contains("<version>" + Codegen.SPRING_BOOT_VERSION + "</version>")
          .contains("spring-boot-starter-jdbc")
          .contains("<artifactId>postgresql</artifactId>")
          .doesNotContain("dev.idem");
      assertThat(spring.middleware().content()).contains("class PostgresStore");
    }
  }
}
