package dev.idem.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.jspecify.annotations.Nullable;

/**
 * The request with its body already read: the handler reads the same bytes again. An async context
 * it starts writes to the capturing response too, never past it to the client.
 */
final class BufferedRequest extends HttpServletRequestWrapper {
  private final byte[] body;
  private final ServletResponse response;
  private boolean streamUsed;
  private boolean readerUsed;

  BufferedRequest(HttpServletRequest request, byte[] body, ServletResponse response) {
    super(request);
    this.body = body;
    this.response = response;
  }

  /**
   * Starts async processing on this request and the capturing response: the no-argument form would
   * hand the handler the container's own response, whose late answer would race the filter's.
   */
  @Override
  public AsyncContext startAsync() {
    return startAsync(this, response);
  }

  @Override
  public ServletInputStream getInputStream() {
    if (readerUsed) {
      throw new IllegalStateException("getReader() was already called");
    }
    streamUsed = true;
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    return new ServletInputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
      }

      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        try {
          if (in.available() > 0) {
            listener.onDataAvailable();
          }
          listener.onAllDataRead();
        } catch (IOException e) {
          listener.onError(e);
        }
      }
    };
  }

  @Override
  public BufferedReader getReader() throws UnsupportedEncodingException {
    if (streamUsed) {
      throw new IllegalStateException("getInputStream() was already called");
    }
    readerUsed = true;
    return new BufferedReader(
        new InputStreamReader(new ByteArrayInputStream(body), charset(getCharacterEncoding())));
  }

  @Override
  public int getContentLength() {
    return body.length;
  }

  @Override
  public long getContentLengthLong() {
    return body.length;
  }

  private static Charset charset(@Nullable String name) throws UnsupportedEncodingException {
    if (name == null) {
      return StandardCharsets.ISO_8859_1; // the Servlet specification's default
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new UnsupportedEncodingException(name);
    }
  }
}
