package dev.idem.app.serve;

import java.util.List;
import java.util.Optional;

/** The demo's tenant rule: the {@code X-Tenant-Id} header, {@code public} when absent. */
final class Tenants {
  static final String HEADER = "X-Tenant-Id";
  static final String DEFAULT = "public";
  static final int MAX_LENGTH = 128;

  private Tenants() {}

  /** The tenant these header values name, or empty when they are several or not a tenant id. */
  static Optional<String> of(List<String> values) {
    if (values == null || values.isEmpty()) {
      return Optional.of(DEFAULT);
    }
    if (values.size() > 1) {
      return Optional.empty();
    }
    String value = values.get(0).strip();
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return Optional.empty();
      }
    }
    return Optional.of(value);
  }
}
