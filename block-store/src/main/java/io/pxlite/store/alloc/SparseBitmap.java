package io.pxlite.store.alloc;

import java.util.function.LongConsumer;

/**
 * A bitmap over a large range whose pages (65,536 bits each) exist only while a bit in them is set.
 * Slots waiting for a checkpoint are few and clustered most of the time, but deleting a large volume
 * frees millions at once; a flat bitmap per state would cost its full size always, a list 64 bits a slot.
 */
final class SparseBitmap {
  private static final int PAGE_SHIFT = 16;
  private static final int WORDS_PER_PAGE = (1 << PAGE_SHIFT) / Long.SIZE;

  private final long[][] pages;
  private long count;

  SparseBitmap(long bits) {
    pages = new long[(int) ((bits + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT)][];
  }

  long count() {
    return count;
  }

  boolean get(long bit) {
    long[] page = pages[(int) (bit >>> PAGE_SHIFT)];
    return page != null && (page[word(bit)] & mask(bit)) != 0;
  }

  /** Sets a bit; false if it was already set. */
  boolean set(long bit) {
    int p = (int) (bit >>> PAGE_SHIFT);
    long[] page = pages[p];
    if (page == null) {
      page = pages[p] = new long[WORDS_PER_PAGE];
    }
    int w = word(bit);
    if ((page[w] & mask(bit)) != 0) {
      return false;
    }
    page[w] |= mask(bit);
    count++;
    return true;
  }

  /** Moves every set bit into {@code target}, leaving this bitmap empty. */
  void moveTo(SparseBitmap target) {
    for (int p = 0; p < pages.length; p++) {
      long[] page = pages[p];
      if (page == null) {
        continue;
      }
      long[] into = target.pages[p];
      if (into == null) {
        target.pages[p] = page;
        target.count += bitCount(page);
      } else {
        for (int w = 0; w < WORDS_PER_PAGE; w++) {
          target.count += Long.bitCount(page[w] & ~into[w]);
          into[w] |= page[w];
        }
      }
      pages[p] = null;
    }
    count = 0;
  }

  /** Calls {@code action} with every set bit, then clears them all. */
  void drain(LongConsumer action) {
    for (int p = 0; p < pages.length; p++) {
      long[] page = pages[p];
      if (page == null) {
        continue;
      }
      long base = (long) p << PAGE_SHIFT;
      for (int w = 0; w < WORDS_PER_PAGE; w++) {
        long bits = page[w];
        while (bits != 0) {
          action.accept(base + (long) w * Long.SIZE + Long.numberOfTrailingZeros(bits));
          bits &= bits - 1;
        }
      }
      pages[p] = null;
    }
    count = 0;
  }

  private static long bitCount(long[] page) {
    long n = 0;
    for (long w : page) {
      n += Long.bitCount(w);
    }
    return n;
  }

  private static int word(long bit) {
    return (int) (bit & ((1 << PAGE_SHIFT) - 1)) >>> 6;
  }

  private static long mask(long bit) {
    return 1L << bit;
  }
}
