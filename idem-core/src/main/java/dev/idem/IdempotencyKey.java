package dev.idem;

// TEMPORARY stub, replaced by the keys branch at merge.
public record IdempotencyKey(String value) {}
