package io.pxlite.statemachine;

/**
 * When this node last served a client's I/O, so that background work — rebuilding a replica — can
 * stay below every client. The front door notes each admitted request (at most one write of a
 * volatile per millisecond, so the note costs nothing measurable); a rebuild asks {@link #busy()}.
 */
public final class ForegroundActivity {
  /** Client I/O this recent counts as clients being busy. */
  static final long BUSY_WINDOW_NANOS = 250_000_000L;
  private static final long NOTE_GRANULARITY_NANOS = 1_000_000L;

  private volatile long lastNanos = System.nanoTime() - 2 * BUSY_WINDOW_NANOS;

  /** Notes a client request served now. */
  public void noteClientIo() {
    long now = System.nanoTime();
    if (now - lastNanos > NOTE_GRANULARITY_NANOS) {
      lastNanos = now;
    }
  }

  /** Whether a client's I/O was served here within the last quarter second. */
  public boolean busy() {
    return System.nanoTime() - lastNanos < BUSY_WINDOW_NANOS;
  }
}
