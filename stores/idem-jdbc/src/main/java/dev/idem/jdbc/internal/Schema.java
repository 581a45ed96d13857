package dev.idem.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Loads the shipped DDL and substitutes the table name. */
public final class Schema {
  /** The table name the shipped scripts use. */
  public static final String SHIPPED_TABLE = "idem_records";

  // Unquoted identifiers only: quoting rules differ per database, and a name that needs quotes is
  // a name someone will get wrong in their own SQL. Optional schema qualifier. Short enough that
  // "<name>_expires_at_idx" fits PostgreSQL's 63-character limit.
  private static final Pattern TABLE_NAME =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,47}\\.)?[A-Za-z_][A-Za-z0-9_]{0,47}");

  private Schema() {}

  /** Why {@code tableName} is unusable, or null when it is fine. */
  public static @Nullable String tableNameProblem(String tableName) {
    if (!TABLE_NAME.matcher(tableName).matches()) {
      return "tableName must be an unquoted identifier of 1 to 48 characters [A-Za-z0-9_], not"
          + " starting with a digit, optionally qualified by a schema ('schema.table'); was '"
          + tableName
          + "'";
    }
    return null;
  }

  /**
   * Returns {@code tableName} when valid.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static String validTableName(String tableName) {
    Objects.requireNonNull(tableName, "tableName");
    String problem = tableNameProblem(tableName);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return tableName;
  }

  /** The statements of {@code resource} for table {@code tableName}. */
  public static List<String> statements(String resource, String tableName) {
    String simple = tableName.substring(tableName.indexOf('.') + 1);
    String sql =
        load(resource)
            .replace(SHIPPED_TABLE + "_", "\u0000_")
            .replace(SHIPPED_TABLE, tableName)
            .replace("\u0000_", simple + "_");
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return List.copyOf(statements);
  }

  private static String load(String resource) {
    try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource, e);
    }
  }
}
