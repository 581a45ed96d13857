package dev.idem.app.serve;

import dev.idem.app.Durations;
import dev.idem.codegen.Codegen;
import dev.idem.codegen.CodegenOptions;
import dev.idem.codegen.Framework;
import dev.idem.codegen.GeneratedFile;
import dev.idem.codegen.GeneratedProject;
import dev.idem.codegen.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web tool's code generator: the same {@link Codegen} as {@code idem codegen}, as JSON for the
 * page to show and copy, or as a zip of the example project to download. Stateless.
 */
@RestController
@RequestMapping("/api/tools")
class CodegenController {
  static final String PROBLEM_TYPE = "https://idem.dev/problems/tools-invalid-parameter";

  /**
   * {@code {"middleware": path, "summary": ..., "nextSteps": [...], "files": [{path, content}]}}.
   */
  @GetMapping(value = "/codegen", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> codegen(
      @RequestParam(name = "framework", required = false) String framework,
      @RequestParam(name = "store", required = false) String store,
      @RequestParam(name = "header", required = false) String header,
      @RequestParam(name = "retention", required = false) String retention,
      @RequestParam(name = "lease", required = false) String lease,
      @RequestParam(name = "keyRequired", required = false) String keyRequired,
      @RequestParam(name = "mismatchStatus", required = false) String mismatchStatus) {
    List<String> problems = new ArrayList<>();
    CodegenOptions options =
        options(framework, store, header, retention, lease, keyRequired, mismatchStatus, problems);
    if (options == null) {
      return invalid(problems);
    }
    GeneratedProject project = Codegen.generate(options);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("middleware", project.middlewarePath());
    body.put("summary", Codegen.summary(options));
    body.put("nextSteps", project.nextSteps());
    body.put(
        "files",
        project.files().stream()
            .map(f -> Map.of("path", f.path(), "content", f.content()))
            .toList());
    return ResponseEntity.ok(body);
  }

  /** The example project as {@code idempotency-FRAMEWORK-STORE.zip}, one top-level folder. */
  @GetMapping("/codegen.zip")
  ResponseEntity<?> zip(
      @RequestParam(name = "framework", required = false) String framework,
      @RequestParam(name = "store", required = false) String store,
      @RequestParam(name = "header", required = false) String header,
      @RequestParam(name = "retention", required = false) String retention,
      @RequestParam(name = "lease", required = false) String lease,
      @RequestParam(name = "keyRequired", required = false) String keyRequired,
      @RequestParam(name = "mismatchStatus", required = false) String mismatchStatus)
      throws IOException {
    List<String> problems = new ArrayList<>();
    CodegenOptions options =
        options(framework, store, header, retention, lease, keyRequired, mismatchStatus, problems);
    if (options == null) {
      return invalid(problems);
    }
    GeneratedProject project = Codegen.generate(options);
    String name = "idempotency-" + options.framework().id() + "-" + options.store().id();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
      for (GeneratedFile file : project.files()) {
        zip.putNextEntry(new ZipEntry(name + "/" + file.path()));
        zip.write(file.content().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/zip"))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(name + ".zip").build().toString())
        .body(bytes.toByteArray());
  }

  /** The options, or null with {@code problems} filled: every problem at once. */
  private static CodegenOptions options(
      String framework,
      String store,
      String header,
      String retention,
      String lease,
      String keyRequired,
      String mismatchStatus,
      List<String> problems) {
    CodegenOptions.Builder builder = CodegenOptions.builder();
    if (framework == null || framework.isBlank()) {
      problems.add("framework is required: express, fastapi or spring-boot");
    } else {
      try {
        builder.framework(Framework.of(framework));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (store != null && !store.isBlank()) {
      try {
        builder.store(Store.of(store));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (header != null && !header.isBlank()) {
      builder.headerName(header.strip());
    }
    Duration retentionValue = duration("retention", retention, problems);
    if (retentionValue != null) {
      builder.retention(retentionValue);
    }
    Duration leaseValue = duration("lease", lease, problems);
    if (leaseValue != null) {
      builder.lease(leaseValue);
    }
    if (keyRequired != null && !keyRequired.isBlank()) {
      switch (keyRequired.strip().toLowerCase(Locale.ROOT)) {
        case "true" -> builder.keyRequired(true);
        case "false" -> builder.keyRequired(false);
        default -> problems.add("keyRequired must be true or false, was '" + keyRequired + "'");
      }
    }
    if (mismatchStatus != null && !mismatchStatus.isBlank()) {
      try {
        builder.mismatchStatus(Integer.parseInt(mismatchStatus.strip()));
      } catch (NumberFormatException e) {
        problems.add("mismatchStatus must be 422 or 400, was '" + mismatchStatus + "'");
      }
    }
    try {
      CodegenOptions options = builder.build();
      return problems.isEmpty() ? options : null;
    } catch (IllegalArgumentException e) {
      // The builder lists its own problems one per "  - " line; keep them apart for the page.
      for (String line : e.getMessage().split("\n")) {
        if (line.startsWith("  - ")) {
          String problem = line.substring(4);
          // A missing framework was already reported above, in the page's words.
          if (!(problem.startsWith("framework is required") && !problems.isEmpty())) {
            problems.add(problem);
          }
        }
      }
      return null;
    }
  }

  private static Duration duration(String name, String text, List<String> problems) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(name + " " + e.getMessage());
      return null;
    }
  }

  private static ResponseEntity<ProblemDetail> invalid(List<String> problems) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.join("; ", problems));
    problem.setType(URI.create(PROBLEM_TYPE));
    problem.setTitle("Invalid code generator options");
    problem.setProperty("problems", problems);
    return ResponseEntity.badRequest()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
