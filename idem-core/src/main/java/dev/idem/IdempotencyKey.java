package dev.idem;

import java.util.Objects;

/**
 * A client key that passed a {@link KeyPolicy}. Only {@link KeyPolicy#check} makes them, so holding
 * one means the key was checked.
 *
 * <p>{@link #toString()} does not print the key: keys authorise replays of stored responses and
 * must not end up in logs.
 *
 * @param value the key as the client sent it
 */
public record IdempotencyKey(String value) {
  /**
   * @throws NullPointerException if {@code value} is null
   */
  public IdempotencyKey {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "IdempotencyKey[length=" + value.length() + "]";
  }
}
