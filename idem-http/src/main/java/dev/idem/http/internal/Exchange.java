package dev.idem.http.internal;

import dev.idem.ResultCodec;
import dev.idem.http.Problem;
import dev.idem.http.ProblemType;
import dev.idem.http.ResponseSnapshot;
import java.util.Objects;

/**
 * One protected exchange as the engine sees it: what this client is sent, and what is stored for
 * retries. The two differ when headers are not allow-listed or the body is too large to store.
 */
public record Exchange(ResponseSnapshot toClient, ResponseSnapshot stored) {

  /** Stores {@link #stored()}; a decoded exchange is its stored response for both. */
  public static final ResultCodec<Exchange> CODEC =
      new ResultCodec<>() {
        @Override
        public byte[] encode(Exchange value) {
          return SnapshotCodec.INSTANCE.encode(value.stored());
        }

        @Override
        public Exchange decode(byte[] bytes) {
          ResponseSnapshot snapshot;
          try {
            snapshot = SnapshotCodec.INSTANCE.decode(bytes);
          } catch (IllegalArgumentException e) {
            // Written by another version or damaged in the store: say so instead of failing with
            // an exception the adapter would turn into an unexplained 500.
            snapshot =
                Problem.of(
                        ProblemType.STORED_RESPONSE_UNREADABLE,
                        "The response stored for this Idempotency-Key cannot be read back. The"
                            + " original request was processed; check the state of the resource.")
                    .toResponse();
          }
          return new Exchange(snapshot, snapshot);
        }
      };

  public Exchange {
    Objects.requireNonNull(toClient, "toClient");
    Objects.requireNonNull(stored, "stored");
  }
}
