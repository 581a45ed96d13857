package dev.idem.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The web tool's code generator endpoints, on the real {@code idem serve} jar. */
@DisplayName("idem serve: /api/tools/codegen")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodegenControllerIT {
  private final ObjectMapper json = new ObjectMapper();
  ServeProcess serve;

  @BeforeAll
  void start(@TempDir Path directory) throws Exception {
    serve = ServeProcess.start(directory);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (serve != null) {
      serve.close();
    }
  }

  @Test
  @DisplayName("answers the project as JSON with the options baked in")
  void json() throws Exception {
    HttpResponse<String> response =
        serve.send(
            serve.request(
                "/api/tools/codegen?framework=express&store=redis&header=X-Key&retention=2h"
                    + "&lease=30s&keyRequired=false&mismatchStatus=400"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json.readTree(response.body());
    assertThat(body.path("middleware").asText()).isEqualTo("idempotency.js");
    List<String> paths = new ArrayList<>();
    String middleware = null;
    for (JsonNode file : body.path("files")) {
      paths.add(file.path("path").asText());
      if (file.path("path").asText().equals("idempotency.js")) {
        middleware = file.path("content").asText();
      }
    }
    assertThat(paths).contains("idempotency.js", "server.js", "package.json");
    assertThat(middleware)
        .contains("headerName: 'X-Key'")
        .contains("retentionMs: 7200000")
        .contains("leaseMs: 30000")
        .contains("keyRequired: false")
        .contains("mismatchStatus: 400")
        .contains("class RedisStore");
  }

  @Test
  @DisplayName("refuses invalid options with 400 problem+json listing every problem")
  void invalid() throws Exception {
    HttpResponse<String> response =
        serve.send(
            serve.request("/api/tools/codegen?framework=django&retention=soon&mismatchStatus=409"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("type").asText()).isEqualTo(CodegenController.PROBLEM_TYPE);
    List<String> problems = new ArrayList<>();
    problem.path("problems").forEach(p -> problems.add(p.asText()));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("unknown framework 'django'"))
        .anySatisfy(p -> assertThat(p).contains("retention 'soon' is not a duration"))
        .anySatisfy(p -> assertThat(p).contains("mismatchStatus must be 422"));
  }

  @Test
  @DisplayName("downloads the project as a zip with one top-level folder")
  void zip() throws Exception {
    HttpResponse<byte[]> response =
        serve.http.send(
            serve.request("/api/tools/codegen.zip?framework=spring-boot&store=postgres").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).contains("idempotency-spring-boot-postgres.zip"));
    List<String> names = new ArrayList<>();
    String pom = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(response.body()))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        names.add(entry.getName());
        if (entry.getName().endsWith("/pom.xml")) {
          pom = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    assertThat(names)
        .allSatisfy(n -> assertThat(n).startsWith("idempotency-spring-boot-postgres/"))
        .contains(
            "idempotency-spring-boot-postgres/pom.xml",
            "idempotency-spring-boot-postgres/src/main/java/com/example/idempotency/"
                + "IdempotencyFilter.java");
    assertThat(pom).contains("spring-boot-starter-jdbc");
  }
}
