package dev.idem.spring.testapp;

import dev.idem.KeyPolicy;
import dev.idem.spring.IdempotencyCustomizer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The application the starter's HTTP tests run: one protected and one plain endpoint. */
@SpringBootApplication
public class OrdersApplication {

  /** Keys of 20 to 64 characters: a 13-character key proves the customizer reached the engine. */
  public static final KeyPolicy ORDER_KEYS =
      KeyPolicy.builder().name("orders").minLength(20).maxLength(64).build();

  @Bean
  IdempotencyCustomizer orderKeys() {
    return builder -> builder.keyPolicy(ORDER_KEYS);
  }
}
