package dev.idem.app.serve;

import java.time.Instant;

/**
 * One order of the demo API: the side effect that must happen once per idempotency key.
 *
 * @param id the order's id, {@code ord_} and a ULID
 * @param tenant the tenant that placed it
 * @param item what was ordered
 * @param amount the amount, in minor units
 * @param createdAt when the handler recorded it
 */
public record Order(String id, String tenant, String item, long amount, Instant createdAt) {}
