package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.IdempotencyObserver.OutcomeType;
import dev.idem.IdempotencyObserver.StoreCall;
import dev.idem.http.ProblemType;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The observer on the OpenTelemetry SDK, for the events a healthy HTTP test cannot provoke. */
class IdemSpanAttributesTest {
  private static final StoreKey DIGEST = new StoreKey("ab".repeat(32));

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final Tracer tracer = provider.get("test");
  private final IdemSpanAttributes attributes = new IdemSpanAttributes();

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void recordsTheDigestAndTheDecision() {
    SpanData span =
        traced(
            observer -> {
              observer.onKeyDigested(DIGEST);
              observer.onOutcome(OutcomeType.REPLAYED, 2_500_000);
            });

    assertThat(span.getAttributes().get(IdemSpanAttributes.KEY_DIGEST)).isEqualTo(DIGEST.hex());
    assertThat(span.getAttributes().get(IdemSpanAttributes.OUTCOME)).isEqualTo("replayed");
    assertThat(span.getAttributes().get(IdemSpanAttributes.REPLAYED)).isTrue();
    assertThat(span.getAttributes().get(IdemSpanAttributes.DEDUP_LATENCY_MS)).isEqualTo(2.5);
  }

  @Test
  void marksAFailedAcquireAsStoreErrorAndFailOpen() {
    SpanData span =
        traced(
            observer -> {
              observer.onKeyDigested(DIGEST);
              observer.onStoreFailure(
                  StoreCall.ACQUIRE, new StoreUnavailableException("down", null));
              observer.onFailOpen();
            });

    assertThat(span.getAttributes().get(IdemSpanAttributes.OUTCOME)).isEqualTo("store_error");
    assertThat(span.getAttributes().get(IdemSpanAttributes.STORE_ERROR)).isEqualTo("acquire");
    assertThat(span.getAttributes().get(IdemSpanAttributes.FAIL_OPEN)).isTrue();
  }

  @Test
  void keepsTheOutcomeWhenOnlyStoringTheResultFailed() {
    SpanData span =
        traced(
            observer -> {
              observer.onOutcome(OutcomeType.EXECUTED, 1000);
              observer.onStoreFailure(
                  StoreCall.COMPLETE, new StoreUnavailableException("down", null));
              observer.onLeaseLost();
            });

    assertThat(span.getAttributes().get(IdemSpanAttributes.OUTCOME)).isEqualTo("new");
    assertThat(span.getAttributes().get(IdemSpanAttributes.REPLAYED)).isFalse();
    assertThat(span.getAttributes().get(IdemSpanAttributes.STORE_ERROR)).isEqualTo("complete");
    assertThat(span.getAttributes().get(IdemSpanAttributes.LEASE_LOST)).isTrue();
  }

  @Test
  void namesTheProblemARequestWasRefusedWith() {
    SpanData span = traced(observer -> observer.onRejected(ProblemType.KEY_MISSING));

    assertThat(span.getAttributes().get(IdemSpanAttributes.PROBLEM))
        .isEqualTo("idempotency-key-missing");
  }

  @Test
  void namesEveryOutcomeAsTheMetricDoes() {
    assertThat(OutcomeType.values())
        .extracting(IdemSpanAttributes::outcome)
        .containsExactly("new", "replayed", "in_progress", "mismatch");
  }

  @Test
  void doesNothingWithoutACurrentSpan() {
    attributes.onKeyDigested(DIGEST);
    attributes.onOutcome(OutcomeType.EXECUTED, 1);

    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  private SpanData traced(Consumer<IdemSpanAttributes> events) {
    Span span = tracer.spanBuilder("POST /orders").startSpan();
    try (Scope scope = span.makeCurrent()) {
      events.accept(attributes);
    } finally {
      span.end();
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    return exporter.getFinishedSpanItems().get(0);
  }
}
