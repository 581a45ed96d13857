package dev.idem.bench;

final class Noop {}
