package dev.idem.internal;

import dev.idem.IdempotencyObserver;
import dev.idem.KeyPolicy;
import dev.idem.StoreFailurePolicy;
import dev.idem.spi.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/** The validated options an {@link Engine} is built from. */
public record EngineSettings(
    IdempotencyStore store,
    KeyPolicy keyPolicy,
    Duration retention,
    Duration lease,
    Duration heartbeatInterval,
    Duration maxWait,
    StoreFailurePolicy storeFailurePolicy,
    byte @Nullable [] keyDigestSecret,
    IdempotencyObserver observer,
    Clock clock,
    @Nullable ScheduledExecutorService heartbeatExecutor) {}
