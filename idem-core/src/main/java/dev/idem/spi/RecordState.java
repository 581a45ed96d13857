package dev.idem.spi;

/** Where a stored record stands. An absent or expired record is not stored at all. */
public enum RecordState {
  /** Claimed by a worker under a lease that has not ended; the operation is running. */
  IN_PROGRESS,
  /** The operation finished and its result is kept, unchanged, until retention ends. */
  COMPLETED
}
