package dev.idem.jdbc;

import dev.idem.IdempotencyException;
import org.jspecify.annotations.Nullable;

/**
 * {@code complete} failed inside the caller's transaction (see {@link JdbcTransactions}). The
 * database may already have rolled that transaction back (InnoDB does on a deadlock, PostgreSQL
 * refuses every further statement after an error), so the store never reports this as a retryable
 * {@link dev.idem.spi.StoreUnavailableException}: a retry on the same connection could run in a
 * fresh implicit transaction and store the result while the business rows are gone. The caller must
 * roll its transaction back; the claim stays in progress until its lease ends (or the caller
 * releases it), and a retried request then runs the operation again.
 *
 * <p>Immutable and thread-safe.
 */
public final class JoinedTransactionException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the store
   * @param cause the driver's exception; may be null
   * @throws NullPointerException if {@code message} is null
   */
  public JoinedTransactionException(String message, @Nullable Throwable cause) {
    super(java.util.Objects.requireNonNull(message, "message"), cause);
  }
}
