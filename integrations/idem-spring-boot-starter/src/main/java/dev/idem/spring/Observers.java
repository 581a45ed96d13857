package dev.idem.spring;

import dev.idem.IdempotencyObserver;
import dev.idem.http.HttpObserver;
import dev.idem.http.ProblemType;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import java.util.List;

/** Fans events out to several observer beans, since each builder takes one observer. */
final class Observers {
  private Observers() {}

  static IdempotencyObserver composite(List<IdempotencyObserver> all) {
    List<IdempotencyObserver> copy = List.copyOf(all);
    return new IdempotencyObserver() {
      @Override
      public void onKeyDigested(StoreKey key) {
        copy.forEach(o -> o.onKeyDigested(key));
      }

      @Override
      public void onOutcome(OutcomeType type, long dedupNanos) {
        copy.forEach(o -> o.onOutcome(type, dedupNanos));
      }

      @Override
      public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
        copy.forEach(o -> o.onStoreFailure(call, failure));
      }

      @Override
      public void onFailOpen() {
        copy.forEach(IdempotencyObserver::onFailOpen);
      }

      @Override
      public void onLeaseLost() {
        copy.forEach(IdempotencyObserver::onLeaseLost);
      }

      @Override
      public void onLeaseRenewed() {
        copy.forEach(IdempotencyObserver::onLeaseRenewed);
      }

      @Override
      public void onReleased() {
        copy.forEach(IdempotencyObserver::onReleased);
      }

      @Override
      public void onResultTooLarge(long size, long limit) {
        copy.forEach(o -> o.onResultTooLarge(size, limit));
      }
    };
  }

  static HttpObserver compositeHttp(List<HttpObserver> all) {
    List<HttpObserver> copy = List.copyOf(all);
    return new HttpObserver() {
      @Override
      public void onRejected(ProblemType type) {
        copy.forEach(o -> o.onRejected(type));
      }

      @Override
      public void onResponseTooLarge(int bodyBytes) {
        copy.forEach(o -> o.onResponseTooLarge(bodyBytes));
      }

      @Override
      public void onHandlerFailed(boolean released) {
        copy.forEach(o -> o.onHandlerFailed(released));
      }
    };
  }
}
