package io.pxlite.nbd;

import java.util.concurrent.CompletableFuture;

/**
 * Decides when a request to an export may start: where a volume's I/O limits and its share of the
 * node's bandwidth are enforced, at the front door, before a write costs any replication. The NBD
 * server asks it for every read, write, trim and write-zeroes (flushes, cache hints and block status
 * move no data and are never held back), and tells it when each admitted request finished.
 *
 * <p>Implementations are shared by every connection to the volume on this node, so they must be
 * thread-safe; {@link #admit} must not block (it is called on an I/O thread).
 */
public interface IoGate {
  /** Which way data moves; trims and write-zeroes count as writes. */
  enum Direction { READ, WRITE }

  /** A gate that admits everything at once: snapshots, and volumes without a policy here. */
  IoGate OPEN = new IoGate() {
    @Override
    public CompletableFuture<Void> admit(Direction direction, long bytes) {
      return null;
    }

    @Override
    public void finished(Direction direction, long bytes) {}
  };

  /**
   * Asks to start a request moving {@code bytes}. Returns null when it may start now (the common
   * case, which allocates nothing), else a future that completes, on any thread, when it may; a
   * future completed exceptionally fails the request with that error.
   * Every admission (immediate or later) is followed by exactly one {@link #finished} call.
   */
  CompletableFuture<Void> admit(Direction direction, long bytes);

  /** The request admitted for {@code direction} and {@code bytes} has completed (either way). */
  void finished(Direction direction, long bytes);
}
