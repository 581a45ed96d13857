package dev.idem;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns an operation's result into the bytes a store keeps, and back for a replay. Encoding must be
 * deterministic enough that {@code decode(encode(x))} is what the caller wants to replay.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <T> the result type
 */
public interface ResultCodec<T> {

  /**
   * @param value the operation's result
   * @return the bytes to store; never null
   */
  byte[] encode(T value);

  /**
   * @param bytes bytes returned by {@link #encode}
   * @return the result to replay
   */
  T decode(byte[] bytes);

  /** Stores byte arrays as they are. */
  static ResultCodec<byte[]> bytes() {
    return new ResultCodec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return Objects.requireNonNull(value, "value").clone();
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes.clone();
      }
    };
  }

  /** Stores strings as UTF-8. */
  static ResultCodec<String> utf8() {
    return new ResultCodec<>() {
      @Override
      public byte[] encode(String value) {
        return Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }
}
