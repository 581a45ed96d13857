package dev.idem.codegen;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** Where generated middleware keeps its records. */
public enum Store {
  /** In the process' memory: one instance only (development, tests, single-instance services). */
  MEMORY("memory", "in-memory"),
  /** Redis: one Lua script claims a key, another completes it fenced by the lease token. */
  REDIS("redis", "Redis"),
  /** PostgreSQL: {@code INSERT ... ON CONFLICT} claims a key, a fenced {@code UPDATE} completes. */
  POSTGRES("postgres", "PostgreSQL");

  private final String id;
  private final String displayName;

  Store(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  /** The identifier used on the command line and in the web tool, e.g. {@code postgres}. */
  public String id() {
    return id;
  }

  /** The name people know it by, e.g. {@code PostgreSQL}. */
  public String displayName() {
    return displayName;
  }

  /**
   * The store with this {@link #id()}, any case.
   *
   * @throws IllegalArgumentException naming the known ids, if none matches
   * @throws NullPointerException if {@code id} is null
   */
  public static Store of(String id) {
    Objects.requireNonNull(id, "id");
    for (Store store : values()) {
      if (store.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return store;
      }
    }
    throw new IllegalArgumentException("unknown store '" + id + "': use " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(Store::id).collect(Collectors.joining(", "));
  }
}
