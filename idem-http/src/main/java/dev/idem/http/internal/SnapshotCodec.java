package dev.idem.http.internal;

import dev.idem.ResultCodec;
import dev.idem.http.ResponseSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The stored form of a {@link ResponseSnapshot}:
 *
 * <pre>
 * magic "IDHR" (4 bytes), version 1 (1 byte), status (2 bytes),
 * header count (2 bytes), per header: name length (2) + UTF-8 name, value length (4) + UTF-8 value,
 * body length (4) + body
 * </pre>
 *
 * All integers big-endian. The magic and version let a later release change the format and still
 * read records written by this one; decoding refuses anything else, including trailing bytes.
 */
public final class SnapshotCodec implements ResultCodec<ResponseSnapshot> {

  public static final SnapshotCodec INSTANCE = new SnapshotCodec();

  private static final byte[] MAGIC = {'I', 'D', 'H', 'R'};
  private static final byte VERSION = 1;

  private SnapshotCodec() {}

  @Override
  public byte[] encode(ResponseSnapshot value) {
    Objects.requireNonNull(value, "value");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + value.bodyLength());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeShort(value.status());
      if (value.headers().size() > 0xFFFF) {
        throw new IllegalArgumentException("too many headers: " + value.headers().size());
      }
      out.writeShort(value.headers().size());
      for (ResponseSnapshot.Header header : value.headers()) {
        byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) {
          throw new IllegalArgumentException("header name too long: " + name.length + " bytes");
        }
        out.writeShort(name.length);
        out.write(name);
        byte[] text = header.value().getBytes(StandardCharsets.UTF_8);
        out.writeInt(text.length);
        out.write(text);
      }
      byte[] body = value.body();
      out.writeInt(body.length);
      out.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The length of {@link #encode}'s output for {@code value}, computed without encoding it: the
   * HTTP layer compares it with the store's limit before the body is copied once more.
   */
  public static long encodedLength(ResponseSnapshot value) {
    long length = MAGIC.length + 1 + 2 + 2 + 4 + (long) value.bodyLength();
    for (ResponseSnapshot.Header header : value.headers()) {
      length += 2 + utf8Length(header.name()) + 4 + utf8Length(header.value());
    }
    return length;
  }

  private static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1; // getBytes(UTF_8) replaces a lone surrogate with '?'
      } else {
        length += 3;
      }
    }
    return length;
  }

  @Override
  public ResponseSnapshot decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      for (byte b : MAGIC) {
        if (in.get() != b) {
          throw refuse("not a stored HTTP response (bad magic)");
        }
      }
      byte version = in.get();
      if (version != VERSION) {
        throw refuse("unknown stored response version " + version);
      }
      int status = Short.toUnsignedInt(in.getShort());
      int count = Short.toUnsignedInt(in.getShort());
      List<ResponseSnapshot.Header> headers = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        String name = utf8(in, Short.toUnsignedInt(in.getShort()));
        String value = utf8(in, in.getInt());
        headers.add(new ResponseSnapshot.Header(name, value));
      }
      int length = in.getInt();
      if (length < 0 || length != in.remaining()) {
        throw refuse("stored response body length does not match");
      }
      byte[] body = new byte[length];
      in.get(body);
      return new ResponseSnapshot(status, headers, body);
    } catch (BufferUnderflowException e) {
      throw refuse("stored response is truncated");
    } catch (IllegalArgumentException e) {
      throw refuse("stored response is corrupt: " + e.getMessage());
    }
  }

  private static String utf8(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    ByteBuffer slice = in.slice();
    slice.limit(length);
    in.position(in.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a header is not UTF-8");
    }
  }

  private static IllegalArgumentException refuse(String message) {
    return new IllegalArgumentException(message);
  }

  @Override
  public String toString() {
    return "ResponseSnapshot.codec() v" + VERSION;
  }
}
