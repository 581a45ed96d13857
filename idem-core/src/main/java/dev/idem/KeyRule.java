package dev.idem;

/**
 * The rules a {@link KeyPolicy} checks; every rejection names the one it broke. The names are
 * stable: HTTP problem details and metrics use them.
 */
public enum KeyRule {
  /** Shorter than the policy's minimum length. */
  TOO_SHORT,
  /** Longer than the policy's maximum length. */
  TOO_LONG,
  /** A comma: ambiguous in an HTTP field, where it separates list members. */
  COMMA,
  /** A space or tab. */
  WHITESPACE,
  /** A control character (U+0000–U+001F, U+007F). */
  CONTROL_CHARACTER,
  /** A character outside ASCII. */
  NON_ASCII,
  /** A visible ASCII character the policy's alphabet does not include. */
  CHARACTER_NOT_ALLOWED,
  /** Not valid unpadded base64url (a length no byte count encodes to, or non-zero spare bits). */
  NOT_CANONICAL_BASE64URL
}
