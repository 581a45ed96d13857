package dev.idem;

// TEMPORARY stub, replaced by the keys branch at merge.
public final class KeyRejectedException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public KeyRejectedException(KeyCheck.Rejected rejected) {
    super(rejected.detail());
  }
}
