package dev.idem.spi;

/**
 * What a fenced write ({@code complete}, {@code renew}, {@code release}) did. A store applies the
 * write only while the record is in progress, its lease has not ended and the token matches.
 */
public sealed interface WriteResult {

  /** The singleton {@link Applied} value. */
  WriteResult APPLIED = new Applied();

  /** The singleton {@link LeaseLost} value. */
  WriteResult LEASE_LOST = new LeaseLost();

  /** The write was applied. */
  record Applied() implements WriteResult {}

  /**
   * The write was refused and nothing changed: the record is absent, completed, held under another
   * token, or its lease ended.
   */
  record LeaseLost() implements WriteResult {}
}
