package io.pxlite.statemachine;

import java.util.function.BooleanSupplier;

/**
 * Keeps rebuild copying in a class of its own below every client ("below low"): while clients are
 * busy on this node or on the node the copy comes from, each chunk copied is followed by a pause
 * {@link #PACE} times as long as the chunk took (at most {@link #MAX_PAUSE_MILLIS}), so a rebuild takes
 * about a tenth of the time it shares with clients and never stops; while no client is busy it runs at
 * full speed. {@code -Dpxlite.rebuild.pace=N} sets the factor; it is 0 (off) by default, because a
 * paced copy under sustained writes can take so long that the log it must continue from is purged
 * meanwhile and the copy starts over (ReplicaLifecycleIT's add-while-writing, with a 24 MB log
 * retention, did not finish in 300 s with factor 9); pacing needs a guard against that first.
 *
 * <p>Measured in RebuildPacingIT (640 MiB copied from the node a client writes 4 KiB at QD16 to, four
 * nodes on one 2-core machine and disk, an unpaced and a paced copy in the same run): the client kept
 * 0.30-0.50 of its IOPS unpaced (copy 13-16 s), 0.49-0.59 with factor 9 (33 s, 23 s of it paused). The rest
 * of the loss is neither in the chunks' time nor the copy's write-back (syncing each chunk's writes
 * within its time changed nothing): most likely the cores all four nodes share.
 */
final class RebuildPacer {
  static final int PACE = Integer.getInteger("pxlite.rebuild.pace", 0);
  static final long MAX_PAUSE_MILLIS = 200;

  private final int pace;
  private final BooleanSupplier localBusy;
  private long pausedNanos;
  private long pacedChunks;

  RebuildPacer(int pace, BooleanSupplier localBusy) {
    this.pace = pace;
    this.localBusy = localBusy;
  }

  /** Whether to yield after this chunk: pacing is on and clients are busy here or, {@code sourceBusy}, at the source. */
  boolean yields(boolean sourceBusy) {
    return pace > 0 && (sourceBusy || localBusy.getAsBoolean());
  }

  /** Yields after a chunk that took {@code chunkNanos}: pauses {@code pace} times that, at most the cap. */
  void pauseAfter(long chunkNanos) throws InterruptedException {
    long pauseNanos = Math.min(chunkNanos * pace, MAX_PAUSE_MILLIS * 1_000_000L);
    pausedNanos += pauseNanos;
    pacedChunks++;
    Thread.sleep(pauseNanos / 1_000_000L, (int) (pauseNanos % 1_000_000L));
  }

  /** How long this rebuild has paused for clients, in ms. */
  long pausedMillis() {
    return pausedNanos / 1_000_000L;
  }

  long pacedChunks() {
    return pacedChunks;
  }
}
