package io.pxlite.statemachine;

import java.util.function.BooleanSupplier;

/**
 * Keeps rebuild copying in a class of its own below every client ("below low"): while clients are
 * busy on this node or on the node the copy comes from, each chunk copied is followed by a pause
 * {@link #PACE} times as long as the chunk took (at most {@link #MAX_PAUSE_MILLIS}); while no client
 * is busy it runs at full speed. {@code -Dpxlite.rebuild.pace=N} sets the factor (0: off).
 *
 * <p>A rebuild always progresses: the pauses of one rebuild (over all its attempts) end after
 * {@link #PAUSE_BUDGET_MILLIS} in total ({@code -Dpxlite.rebuild.pauseBudgetSeconds}), so a paced
 * copy ends at most that much later than an unpaced one, however busy the clients stay; and the
 * leader keeps its log for a member that is present though behind (LogRetention), so a copy slowed
 * down does not find the log moved on when it ends and start over.
 *
 * <p>Measured in RebuildPacingIT (640 MiB copied from the node a client writes 4 KiB at QD16 to, four
 * nodes on one 2-core machine and disk, an unpaced and a paced copy in the same run): the client kept
 * 0.30-0.50 of its IOPS unpaced (copy 13-18 s), 0.49-0.59 with factor 9 (33 s, 23 s of it paused). The rest
 * of the loss is neither in the chunks' time nor the copy's write-back (syncing each chunk's writes
 * within its time changed nothing): most likely the cores all four nodes share.
 */
final class RebuildPacer {
  static final int PACE = Integer.getInteger("pxlite.rebuild.pace", 9);
  static final long MAX_PAUSE_MILLIS = 200;
  static final long PAUSE_BUDGET_MILLIS = Long.getLong("pxlite.rebuild.pauseBudgetSeconds", 120) * 1000;

  private final int pace;
  private final BooleanSupplier localBusy;
  private final long budgetNanos;
  private long pausedNanos;
  private long pacedChunks;

  RebuildPacer(int pace, BooleanSupplier localBusy) {
    this(pace, localBusy, PAUSE_BUDGET_MILLIS);
  }

  RebuildPacer(int pace, BooleanSupplier localBusy, long budgetMillis) {
    this.pace = pace;
    this.localBusy = localBusy;
    this.budgetNanos = budgetMillis * 1_000_000L;
  }

  /**
   * Whether to yield after this chunk: pacing is on, the budget not spent, and clients are busy here
   * or, {@code sourceBusy}, at the source.
   */
  boolean yields(boolean sourceBusy) {
    return pace > 0 && pausedNanos < budgetNanos && (sourceBusy || localBusy.getAsBoolean());
  }

  /** Whether this rebuild has paused all its budget allows: it copies at full speed from now on. */
  boolean budgetSpent() {
    return pace > 0 && pausedNanos >= budgetNanos;
  }

  /** Yields after a chunk that took {@code chunkNanos}: pauses {@code pace} times that, at most the cap. */
  void pauseAfter(long chunkNanos) throws InterruptedException {
    long pauseNanos = Math.min(Math.min(chunkNanos * pace, MAX_PAUSE_MILLIS * 1_000_000L), budgetNanos - pausedNanos);
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
