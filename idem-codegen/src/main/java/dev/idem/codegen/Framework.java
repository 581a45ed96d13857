package dev.idem.codegen;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** The web frameworks {@link Codegen} writes middleware for. */
public enum Framework {
  /** Express.js on Node: {@code idempotency.js}, a middleware function. */
  EXPRESS("express", "Express.js", "idempotency.js", Set.of(Store.values())),
  /** FastAPI (any ASGI app) on Python: {@code idempotency.py}, a plain ASGI middleware. */
  FASTAPI("fastapi", "FastAPI", "idempotency.py", Set.of(Store.values())),
  /**
   * Spring Boot (Servlet stack): {@code IdempotencyFilter.java}, a {@code OncePerRequestFilter}.
   */
  SPRING_BOOT(
      "spring-boot",
      "Spring Boot",
      "src/main/java/com/example/idempotency/IdempotencyFilter.java",
      Set.of(Store.values()));

  private final String id;
  private final String displayName;
  private final String middlewarePath;
  private final Set<Store> stores;

  Framework(String id, String displayName, String middlewarePath, Set<Store> stores) {
    this.id = id;
    this.displayName = displayName;
    this.middlewarePath = middlewarePath;
    this.stores = stores;
  }

  /** The identifier used on the command line and in the web tool, e.g. {@code spring-boot}. */
  public String id() {
    return id;
  }

  /** The name people know it by, e.g. {@code Express.js}. */
  public String displayName() {
    return displayName;
  }

  /** Where the middleware file sits in a generated project. */
  public String middlewarePath() {
    return middlewarePath;
  }

  /** Whether this framework has generated code for {@code store}. */
  public boolean supports(Store store) {
    return stores.contains(Objects.requireNonNull(store, "store"));
  }

  /**
   * The framework with this {@link #id()}, any case.
   *
   * @throws IllegalArgumentException naming the known ids, if none matches
   * @throws NullPointerException if {@code id} is null
   */
  public static Framework of(String id) {
    Objects.requireNonNull(id, "id");
    for (Framework framework : values()) {
      if (framework.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return framework;
      }
    }
    throw new IllegalArgumentException("unknown framework '" + id + "': use " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(Framework::id).collect(Collectors.joining(", "));
  }
}
