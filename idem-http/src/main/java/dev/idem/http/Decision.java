package dev.idem.http;

import dev.idem.Outcome;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an adapter should do with a request, as {@link HttpIdempotency#handle} decided. Immutable.
 */
public sealed interface Decision {

  /**
   * Not protected (method, missing optional key): run the handler as if Idem were not there,
   * without buffering or capturing anything.
   */
  record PassThrough() implements Decision {}

  /**
   * Refused before the handler ran; nothing is stored. Write {@link #response()}.
   *
   * @param problem why
   */
  record Rejected(Problem problem) implements Decision {
    /**
     * @throws NullPointerException if {@code problem} is null
     */
    public Rejected {
      Objects.requireNonNull(problem, "problem");
    }

    /** The problem as a response. */
    public ResponseSnapshot response() {
      return problem.toResponse();
    }
  }

  /**
   * An earlier request with this key completed; write its stored response, which already carries
   * {@code Idempotent-Replayed: true}.
   *
   * @param response the response to write
   */
  record Replayed(ResponseSnapshot response) implements Decision {
    /**
     * @throws NullPointerException if {@code response} is null
     */
    public Replayed {
      Objects.requireNonNull(response, "response");
    }
  }

  /**
   * The handler ran in this request.
   *
   * @param response what to send this client: the handler's full response (every header, the whole
   *     body), or a 500 problem if it threw
   * @param storage whether the response was stored, released, or ran unprotected (store down, fail
   *     open)
   * @param failure what the handler threw, for the adapter to log or report; null if it returned
   */
  record Executed(ResponseSnapshot response, Outcome.Storage storage, @Nullable Throwable failure)
      implements Decision {
    /**
     * @throws NullPointerException if response or storage is null
     */
    public Executed {
      Objects.requireNonNull(response, "response");
      Objects.requireNonNull(storage, "storage");
    }
  }
}
