package io.pxlite.statemachine;

import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.journal.event.VolumeEvent.Write;
import io.pxlite.store.BlockStore;
import io.pxlite.store.EntryWrite;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds, in a batch entry's events, the runs the store can apply as one change: consecutive writes
 * to one volume whose blocks are pairwise distinct (so that applying them together is applying them
 * one after another). Under load a batch is mostly such writes, and one change per run instead of
 * one per write saves an index batch, an iterator and a device write per event.
 */
final class WriteRuns {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  private WriteRuns() {
  }

  /** The end (exclusive) of the run starting at {@code from}; {@code from + 1} when it has one event or none. */
  static int endOfRun(List<VolumeEvent> events, int from) {
    if (!(events.get(from) instanceof Write head)) {
      return from + 1;
    }
    long volumeId = head.volumeId();
    List<long[]> blocks = new ArrayList<>();
    int end = from;
    while (end < events.size() && events.get(end) instanceof Write w && w.volumeId() == volumeId) {
      long[] range = blocksOf(w);
      if (range != null) {
        for (long[] other : blocks) {
          if (range[0] < other[1] && other[0] < range[1]) {
            return Math.max(end, from + 1);
          }
        }
        blocks.add(range);
      }
      end++;
    }
    return Math.max(end, from + 1);
  }

  /** The writes of events {@code [from, to)}, all {@link Write}s. */
  static List<EntryWrite> writesOf(List<VolumeEvent> events, int from, int to) {
    List<EntryWrite> writes = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      Write w = (Write) events.get(i);
      writes.add(new EntryWrite(w.offset(), w.data()));
    }
    return writes;
  }

  /** Blocks {@code [first, end)} a write touches, or null when it touches none. */
  private static long[] blocksOf(Write w) {
    int length = w.data().remaining();
    if (length == 0 || w.offset() < 0) {
      return null;
    }
    return new long[] {w.offset() / BLOCK, (w.offset() + length - 1) / BLOCK + 1};
  }
}
