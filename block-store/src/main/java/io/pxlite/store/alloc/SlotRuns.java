package io.pxlite.store.alloc;

import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DevicePool;
import java.nio.ByteBuffer;

/**
 * The slot writes of one change, issued as one positional write per run of consecutive slots on a
 * device instead of one per block. Slots are allocated in order, so a large write usually lands in
 * one run: a 1 MiB write is one {@code pwrite} of 1 MiB, straight from the bytes it arrived in when
 * its blocks lie next to each other there; the 4 KiB writes of one log entry, applied as one change,
 * are one {@code pwrite} of their blocks gathered.
 */
public final class SlotRuns {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  private final DevicePool pool;
  private long[] addresses;
  private ByteBuffer[] sources;
  private int[] offsets;
  private int size;

  /** @param capacity how many blocks to make room for at first (more may be added) */
  public SlotRuns(DevicePool pool, int capacity) {
    this.pool = pool;
    int c = Math.max(capacity, 1);
    this.addresses = new long[c];
    this.sources = new ByteBuffer[c];
    this.offsets = new int[c];
  }

  /** Adds a block to write into the slot at {@code address}: the 4 KiB of {@code source} at absolute index {@code offset}. */
  public void add(long address, ByteBuffer source, int offset) {
    if (size == addresses.length) {
      int c = size * 2;
      addresses = java.util.Arrays.copyOf(addresses, c);
      sources = java.util.Arrays.copyOf(sources, c);
      offsets = java.util.Arrays.copyOf(offsets, c);
    }
    addresses[size] = address;
    sources[size] = source;
    offsets[size] = offset;
    size++;
  }

  /** How many device writes {@link #writeAll} issues. */
  int runs() {
    int runs = 0;
    for (int i = 0; i < size; i = endOfRun(i)) {
      runs++;
    }
    return runs;
  }

  /** Writes every block added, in order of addition, one device write per run. */
  public void writeAll() {
    for (int i = 0; i < size; ) {
      int end = endOfRun(i);
      pool.device(SlotAddress.ordinal(addresses[i])).writeSlots(SlotAddress.slot(addresses[i]), joined(i, end));
      i = end;
    }
  }

  private int endOfRun(int from) {
    int ordinal = SlotAddress.ordinal(addresses[from]);
    long first = SlotAddress.slot(addresses[from]);
    int end = from + 1;
    while (end < size && SlotAddress.ordinal(addresses[end]) == ordinal
        && SlotAddress.slot(addresses[end]) == first + (end - from)) {
      end++;
    }
    return end;
  }

  /** The bytes of blocks {@code [from, to)} in one buffer: a slice of their source if they lie together there, else a copy. */
  private ByteBuffer joined(int from, int to) {
    boolean together = true;
    for (int i = from + 1; i < to && together; i++) {
      together = sources[i] == sources[from] && offsets[i] == offsets[from] + (i - from) * BLOCK;
    }
    if (together) {
      return sources[from].slice(offsets[from], (to - from) * BLOCK);
    }
    ByteBuffer run = ByteBuffer.allocate((to - from) * BLOCK);
    for (int i = from; i < to; i++) {
      run.put((i - from) * BLOCK, sources[i], offsets[i], BLOCK);
    }
    return run;
  }
}
