package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shop.ShopApplication;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The README's Spring Boot quick start is the code this test compiles and runs. */
@DisplayName("the README's Spring Boot quick start works when pasted")
class ReadmeQuickStartIT {
  static final Path README = Path.of("..", "..", "README.md");

  static String block(String readme, String name) {
    Matcher matcher =
        Pattern.compile(
                "<!-- quick-start:" + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)```",
                Pattern.DOTALL)
            .matcher(readme);
    assertThat(matcher.find()).as("README block %s", name).isTrue();
    return matcher.group(1);
  }

  @Test
  void isTheCodeThatRuns() throws Exception {
    String readme = Files.readString(README);
    String java = block(readme, "src/main/java/com/example/shop/ShopApplication.java");
    assertThat(java)
        .isEqualTo(
            Files.readString(Path.of("src/test/java/com/example/shop/ShopApplication.java")));

    String dependencies = block(readme, "pom.xml");
    String version =
        Pattern.compile("<artifactId>idem-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")))
            .results()
            .findFirst()
            .orElseThrow()
            .group(1);
    assertThat(dependencies)
        .contains(
            "<groupId>dev.idem</groupId>\n  <artifactId>idem-spring-boot-starter</artifactId>\n"
                + "  <version>"
                + version
                + "</version>");

    Properties properties = new Properties();
    properties.load(new StringReader(block(readme, "src/main/resources/application.properties")));
    List<String> arguments = new ArrayList<>();
    properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
    arguments.add("--server.port=0");
    // This test's class path also holds the JDBC and Redis starters, which a pasted project lacks.
    arguments.add(
        "--spring.autoconfigure.exclude="
            + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration");

    try (ConfigurableApplicationContext context =
        SpringApplication.run(ShopApplication.class, arguments.toArray(String[]::new))) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest order =
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", "8e03978e-40d5-43e8-bc93-6894a57f9324")
              .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\",\"amount\":1200}"))
              .build();
      HttpResponse<String> first = http.send(order, HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> again = http.send(order, HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(first.headers().firstValue("Location")).get().asString().startsWith("/orders/");
      assertThat(again.statusCode()).isEqualTo(201);
      assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(again.body()).isEqualTo(first.body()).contains("\"item\":\"book\"");
    }
  }
}
