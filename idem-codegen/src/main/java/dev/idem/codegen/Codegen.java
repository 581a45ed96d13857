package dev.idem.codegen;

import dev.idem.codegen.internal.Templates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Generates idempotency middleware that users own, with a runnable example project around it.
 *
 * <pre>{@code
 * GeneratedProject project =
 *     Codegen.generate(
 *         CodegenOptions.builder().framework(Framework.FASTAPI).store(Store.REDIS).build());
 * System.out.print(project.middleware().content());
 * }</pre>
 *
 * <p>The generated code follows Idem's HTTP semantics: POST and PATCH protected, GET, HEAD,
 * OPTIONS, PUT and DELETE untouched; a missing key (when required), a malformed key or two key
 * fields is 400 problem+json; the key is claimed atomically with a lease; the response (5xx
 * included) is stored before it is sent and replayed with {@code Idempotent-Replayed: true}; a
 * duplicate of a running request is 409 problem+json with {@code Retry-After}; the same key with a
 * different request is 422 (or 400) problem+json. Problem types are Idem's {@code
 * https://idem.dev/problems/...} URIs. Each project's sample endpoint is {@code POST /orders}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Codegen {
  /** The Spring Boot version generated projects build with, from Maven Central. */
  public static final String SPRING_BOOT_VERSION = "3.5.7";

  private Codegen() {}

  /**
   * Generates the project for {@code options}.
   *
   * @throws NullPointerException if {@code options} is null
   */
  public static GeneratedProject generate(CodegenOptions options) {
    Objects.requireNonNull(options, "options");
    Map<String, String> values = common(options);
    List<GeneratedFile> files =
        switch (options.framework()) {
          case EXPRESS -> express(options, values);
          case FASTAPI -> fastapi(options, values);
          case SPRING_BOOT -> springBoot(options, values);
        };
    return new GeneratedProject(
        options, files, options.framework().middlewarePath(), nextSteps(options));
  }

  /** A one-line description of {@code options}, as written into generated files. */
  public static String summary(CodegenOptions options) {
    return options.framework().displayName()
        + ", "
        + options.store().displayName()
        + " store, header "
        + options.headerName()
        + ", retention "
        + human(options.retention())
        + ", lease "
        + human(options.lease())
        + ", key "
        + (options.keyRequired() ? "required" : "optional")
        + ", mismatch "
        + options.mismatchStatus();
  }

  private static Map<String, String> common(CodegenOptions options) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("summary", summary(options));
    values.put("headerName", options.headerName());
    values.put("retentionMs", Long.toString(options.retention().toMillis()));
    values.put("retention", human(options.retention()));
    values.put("leaseMs", Long.toString(options.lease().toMillis()));
    values.put("lease", human(options.lease()));
    values.put("mismatchStatus", Integer.toString(options.mismatchStatus()));
    values.put("keyRequiredJs", Boolean.toString(options.keyRequired()));
    values.put("keyRequiredJava", Boolean.toString(options.keyRequired()));
    values.put("keyRequiredPy", options.keyRequired() ? "True" : "False");
    values.put("springBootVersion", SPRING_BOOT_VERSION);
    return values;
  }

  private static List<GeneratedFile> express(CodegenOptions options, Map<String, String> values) {
    Store store = options.store();
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put("storeClass", storeClass(store));
    v.put("store", Templates.render("express/store-" + store.id() + ".js", v));
    v.put("storeSetup", Templates.render("express/setup-" + store.id() + ".js", v));
    v.put("envDoc", envDoc(store, "DATABASE_URL (a postgresql:// URL)"));
    List<String> deps = new ArrayList<>(List.of("\"express\": \"^5.1.0\""));
    switch (store) {
      case REDIS -> deps.add("\"ioredis\": \"^5.4.1\"");
      case POSTGRES -> deps.add("\"pg\": \"^8.13.0\"");
      case MEMORY -> {}
    }
    v.put("dependencies", "    " + String.join(",\n    ", deps));
    return List.of(
        new GeneratedFile("idempotency.js", Templates.render("express/idempotency.js", v)),
        new GeneratedFile("server.js", Templates.render("express/server.js", v)),
        new GeneratedFile("package.json", Templates.render("express/package.json", v)),
        readme(options, v));
  }

  private static List<GeneratedFile> fastapi(CodegenOptions options, Map<String, String> values) {
    Store store = options.store();
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put("storeClass", storeClass(store));
    v.put("store", Templates.render("fastapi/store-" + store.id() + ".py", v));
    v.put("storeSetup", Templates.render("fastapi/setup-" + store.id() + ".py", v));
    v.put("envDoc", envDoc(store, "DATABASE_URL (a postgresql:// URL)"));
    List<String> requirements = new ArrayList<>(List.of("fastapi>=0.92", "uvicorn>=0.17"));
    List<String> debian = new ArrayList<>(List.of("python3-fastapi", "python3-uvicorn"));
    switch (store) {
      case REDIS -> {
        requirements.add("redis>=4.3");
        debian.add("python3-redis");
      }
      case POSTGRES -> {
        requirements.add("psycopg2-binary>=2.9");
        debian.add("python3-psycopg2");
      }
      case MEMORY -> {}
    }
    v.put("requirements", String.join("\n", requirements));
    v.put("debianPackages", String.join(" ", debian));
    return List.of(
        new GeneratedFile("idempotency.py", Templates.render("fastapi/idempotency.py", v)),
        new GeneratedFile("main.py", Templates.render("fastapi/main.py", v)),
        new GeneratedFile("requirements.txt", Templates.render("fastapi/requirements.txt", v)),
        readme(options, v));
  }

  private static List<GeneratedFile> springBoot(
      CodegenOptions options, Map<String, String> values) {
    Store store = options.store();
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put("store", Templates.render("spring-boot/store-" + store.id() + ".java", v));
    v.put(
        "envDoc",
        envDoc(store, "JDBC_DATABASE_URL, DATABASE_USER and DATABASE_PASSWORD (a jdbc: URL)"));
    switch (store) {
      case MEMORY -> {
        v.put("storeImports", "");
        v.put("appImports", "");
        v.put(
            "storeBean",
            """

              /** One instance only: the de-duplication lives in this JVM's memory. */
              @Bean
              IdempotencyFilter.Store idempotencyStore() {
                return new IdempotencyFilter.MemoryStore();
              }
            """);
        v.put("storeProperties", "");
        v.put("dependencies", "");
      }
      case REDIS -> {
        v.put(
            "storeImports",
            """
            import com.fasterxml.jackson.core.JsonProcessingException;
            import com.fasterxml.jackson.databind.JsonNode;
            import com.fasterxml.jackson.databind.ObjectMapper;
            import org.springframework.data.redis.core.StringRedisTemplate;
            import org.springframework.data.redis.core.script.DefaultRedisScript;
            import org.springframework.data.redis.core.script.RedisScript;
            """);
        v.put(
            "appImports",
            """
            import com.fasterxml.jackson.databind.ObjectMapper;
            import org.springframework.data.redis.core.StringRedisTemplate;
            """);
        v.put(
            "storeBean",
            """

              @Bean
              IdempotencyFilter.Store idempotencyStore(
                  StringRedisTemplate redis,
                  ObjectMapper json,
                  @Value("${idempotency.prefix}") String prefix) {
                return new IdempotencyFilter.RedisStore(redis, json, prefix);
              }
            """);
        v.put(
            "storeProperties",
            """
            idempotency.prefix=${IDEMPOTENCY_PREFIX:idem:}
            spring.data.redis.url=${REDIS_URL:redis://127.0.0.1:6379}""");
        v.put(
            "dependencies",
            """
                <dependency>
                  <groupId>org.springframework.boot</groupId>
                  <artifactId>spring-boot-starter-data-redis</artifactId>
                </dependency>""");
      }
      case POSTGRES -> {
        v.put(
            "storeImports",
            """
            import com.fasterxml.jackson.core.JsonProcessingException;
            import com.fasterxml.jackson.core.type.TypeReference;
            import com.fasterxml.jackson.databind.ObjectMapper;
            import org.springframework.dao.DataAccessException;
            import org.springframework.jdbc.core.JdbcTemplate;
            """);
        v.put(
            "appImports",
            """
            import com.fasterxml.jackson.databind.ObjectMapper;
            import org.springframework.jdbc.core.JdbcTemplate;
            """);
        v.put(
            "storeBean",
            """

              @Bean
              IdempotencyFilter.Store idempotencyStore(JdbcTemplate jdbc, ObjectMapper json) {
                return new IdempotencyFilter.PostgresStore(jdbc, json);
              }
            """);
        v.put(
            "storeProperties",
            """
            spring.datasource.url=${JDBC_DATABASE_URL:jdbc:postgresql://127.0.0.1:5432/postgres}
            spring.datasource.username=${DATABASE_USER:postgres}
            spring.datasource.password=${DATABASE_PASSWORD:}""");
        v.put(
            "dependencies",
            """
                <dependency>
                  <groupId>org.springframework.boot</groupId>
                  <artifactId>spring-boot-starter-jdbc</artifactId>
                </dependency>
                <dependency>
                  <groupId>org.postgresql</groupId>
                  <artifactId>postgresql</artifactId>
                  <scope>runtime</scope>
                </dependency>""");
      }
    }
    String base = "src/main/java/com/example/idempotency/";
    return List.of(
        new GeneratedFile(
            base + "IdempotencyFilter.java",
            Templates.render("spring-boot/IdempotencyFilter.java", v)),
        new GeneratedFile(
            base + "Application.java", Templates.render("spring-boot/Application.java", v)),
        new GeneratedFile(
            "src/main/resources/application.properties",
            Templates.render("spring-boot/application.properties", v)),
        new GeneratedFile("pom.xml", Templates.render("spring-boot/pom.xml", v)),
        readme(options, v));
  }

  private static GeneratedFile readme(CodegenOptions options, Map<String, String> values) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put("title", options.framework().displayName());
    v.put("middlewarePath", options.framework().middlewarePath());
    v.put("run", String.join("\n", nextSteps(options)));
    v.put("port", Integer.toString(port(options.framework())));
    return new GeneratedFile("README.md", Templates.render("README.md", v));
  }

  private static List<String> nextSteps(CodegenOptions options) {
    return switch (options.framework()) {
      case EXPRESS -> List.of("npm install", "node server.js");
      case FASTAPI ->
          List.of(
              "pip install -r requirements.txt   # or: apt-get install "
                  + String.join(" ", debianPackages(options.store())),
              "python3 main.py");
      case SPRING_BOOT ->
          List.of("mvn -q package", "java -jar target/idempotency-example-1.0.0.jar");
    };
  }

  private static List<String> debianPackages(Store store) {
    List<String> debian = new ArrayList<>(List.of("python3-fastapi", "python3-uvicorn"));
    switch (store) {
      case REDIS -> debian.add("python3-redis");
      case POSTGRES -> debian.add("python3-psycopg2");
      case MEMORY -> {}
    }
    return debian;
  }

  /** The port the example listens on when PORT is not set. */
  static int port(Framework framework) {
    return switch (framework) {
      case EXPRESS -> 3000;
      case FASTAPI -> 8000;
      case SPRING_BOOT -> 8080;
    };
  }

  private static String storeClass(Store store) {
    return switch (store) {
      case MEMORY -> "MemoryStore";
      case REDIS -> "RedisStore";
      case POSTGRES -> "PostgresStore";
    };
  }

  private static String envDoc(Store store, String postgres) {
    return switch (store) {
      case MEMORY -> "";
      case REDIS -> ", REDIS_URL, IDEMPOTENCY_PREFIX (default idem:)";
      case POSTGRES -> ", " + postgres;
    };
  }

  /**
   * 86400000 ms as {@code 24h}, 1500 ms as {@code 1500ms}: the largest exact unit of which there
   * are at least two.
   */
  static String human(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000, 3_600_000, 60_000, 1000};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0 && ms / units[i] >= 2) {
        return ms / units[i] + names[i];
      }
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
