package io.pxlite.store.alloc;

import java.util.Arrays;

/** A growable list of primitive longs (slot addresses), so that long runs of frees box nothing. */
public final class LongList {
  private long[] values;
  private int size;

  public LongList() {
    this(8);
  }

  public LongList(int capacity) {
    values = new long[Math.max(capacity, 1)];
  }

  public void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  public long get(int i) {
    return values[i];
  }

  public int size() {
    return size;
  }

  void clear() {
    size = 0;
  }
}
