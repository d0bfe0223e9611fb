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
 * <p>Measured in RebuildPacingIT (640 MiB copied from the node a client writes 4 KiB at QD16 to, all
 * three nodes on one 2-core machine and disk): the client kept 0.34 of its IOPS unpaced (rebuild 12 s),
 * 0.48 with factor 3 (30 s), 0.62 with 9 (32 s: with less contention each chunk is quicker). The rest
 * of the loss is not in the chunks' time — most likely the new replica's writeback and compaction on
 * the same disk and cores, which separate machines would not share.
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

  /** After a chunk that took {@code chunkNanos}; {@code sourceBusy}: the source's clients were busy. */
  void afterChunk(long chunkNanos, boolean sourceBusy) throws InterruptedException {
    if (pace <= 0 || !(sourceBusy || localBusy.getAsBoolean())) {
      return;
    }
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
