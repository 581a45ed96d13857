package dev.idem.conformance;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Derives a second body that means something different from the configured one, for the mismatch
 * check. For a JSON object: the first top-level number is increased by one; failing that, {@code
 * -mismatch} is appended to the first top-level string; failing that, a member {@code
 * "idemCheckMismatch": true} is added. Anything else (not a JSON object) has no derivation: the
 * caller must give one. Changing a value rather than whitespace or member order matters because
 * servers may canonicalise JSON (RFC 8785) before fingerprinting.
 */
final class MismatchBodies {
  private MismatchBodies() {}

  static Optional<String> derive(String body) {
    try {
      return Optional.ofNullable(new Scanner(body).derive());
    } catch (IllegalStateException | IndexOutOfBoundsException | NumberFormatException notJson) {
      return Optional.empty();
    }
  }

  /** Just enough of a JSON reader to walk the top-level members of an object. */
  private static final class Scanner {
    private final String s;
    private int i;

    Scanner(String s) {
      this.s = s;
    }

    String derive() {
      ws();
      expect('{');
      int open = i - 1;
      int firstStringEnd = -1;
      int numberStart = -1;
      int numberEnd = -1;
      ws();
      if (s.charAt(i) == '}') {
        return trailingOk(i + 1)
            ? s.substring(0, i) + "\"idemCheckMismatch\":true" + s.substring(i)
            : null;
      }
      while (true) {
        ws();
        string();
        ws();
        expect(':');
        ws();
        char c = s.charAt(i);
        if (c == '-' || (c >= '0' && c <= '9')) {
          int start = i;
          while (i < s.length() && "+-.eE0123456789".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (numberStart < 0) {
            numberStart = start;
            numberEnd = i;
          }
        } else if (c == '"') {
          string();
          if (firstStringEnd < 0) {
            firstStringEnd = i - 1;
          }
        } else {
          value();
        }
        ws();
        char next = s.charAt(i++);
        if (next == '}') {
          break;
        }
        if (next != ',') {
          throw new IllegalStateException("expected , or }");
        }
      }
      if (!trailingOk(i)) {
        return null;
      }
      if (numberStart >= 0) {
        String number = s.substring(numberStart, numberEnd);
        String bumped =
            number.matches("-?\\d+")
                ? new BigInteger(number).add(BigInteger.ONE).toString()
                : new BigDecimal(number).add(BigDecimal.ONE).toString();
        return s.substring(0, numberStart) + bumped + s.substring(numberEnd);
      }
      if (firstStringEnd >= 0) {
        return s.substring(0, firstStringEnd) + "-mismatch" + s.substring(firstStringEnd);
      }
      return s.substring(0, open + 1) + "\"idemCheckMismatch\":true," + s.substring(open + 1);
    }

    private boolean trailingOk(int from) {
      return s.substring(from).isBlank();
    }

    private void value() {
      char c = s.charAt(i);
      if (c == '"') {
        string();
      } else if (c == '{' || c == '[') {
        int depth = 0;
        do {
          char d = s.charAt(i);
          if (d == '"') {
            string();
            continue;
          }
          if (d == '{' || d == '[') {
            depth++;
          } else if (d == '}' || d == ']') {
            depth--;
          }
          i++;
        } while (depth > 0);
      } else {
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
          i++;
        }
        String literal = s.substring(start, i);
        if (!literal.equals("true") && !literal.equals("false") && !literal.equals("null")) {
          throw new IllegalStateException("not a JSON value");
        }
      }
    }

    private void string() {
      expect('"');
      while (true) {
        char c = s.charAt(i++);
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          return;
        }
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalStateException("expected " + c);
      }
      i++;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
