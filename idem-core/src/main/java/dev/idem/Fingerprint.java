package dev.idem;

// TEMPORARY stub, replaced by the fingerprint branch at merge.
public record Fingerprint(String hex) {
  public static Fingerprint ofHex(String hex) {
    return new Fingerprint(hex);
  }

  public boolean matches(Fingerprint other) {
    return hex.equals(other.hex);
  }
}
