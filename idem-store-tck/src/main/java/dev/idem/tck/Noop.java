package dev.idem.tck;

final class Noop {}
