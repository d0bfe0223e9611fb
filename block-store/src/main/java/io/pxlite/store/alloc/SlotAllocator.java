package io.pxlite.store.alloc;

import io.pxlite.store.device.DevicePool;

/**
 * Which slots of one device are in use, rebuilt from the index at open. A slot a committed change
 * stopped referencing is not free yet: it is pending until a checkpoint makes that change durable
 * (sealed while the checkpoint runs), because until then a crash could bring back the index entry
 * pointing at it. Allocation is next-fit, so consecutive writes land in consecutive slots.
 * Not thread-safe; {@link DevicePool} serialises access.
 */
public final class SlotAllocator {
  private final long slots;
  private final long[] used;
  private final SparseBitmap pending;
  private final SparseBitmap sealed;
  private long free;
  private long cursor;

  public SlotAllocator(long slots) {
    if (slots > (long) Integer.MAX_VALUE * Long.SIZE) {
      throw new IllegalArgumentException(slots + " slots is more than one allocator can track");
    }
    this.slots = slots;
    this.used = new long[(int) ((slots + Long.SIZE - 1) / Long.SIZE)];
    this.pending = new SparseBitmap(slots);
    this.sealed = new SparseBitmap(slots);
    this.free = slots;
  }

  public long slots() {
    return slots;
  }

  /** Slots that can be allocated now. */
  public long free() {
    return free;
  }

  /** Slots that become free once the next checkpoint completes. */
  public long awaitingCheckpoint() {
    return pending.count() + sealed.count();
  }

  /** Slots the index refers to (or a write in progress holds). */
  public long referenced() {
    return slots - free - awaitingCheckpoint();
  }

  boolean isUsed(long slot) {
    return (used[(int) (slot >>> 6)] & (1L << slot)) != 0;
  }

  /** Takes the next free slot at or after the cursor, wrapping; -1 if none is free. */
  public long allocate() {
    if (free == 0) {
      return -1;
    }
    long slot = nextClear(cursor, slots);
    if (slot < 0) {
      slot = nextClear(0, cursor);
    }
    if (slot < 0) {
      throw new IllegalStateException("free count " + free + " but no clear bit in the slot bitmap");
    }
    used[(int) (slot >>> 6)] |= 1L << slot;
    free--;
    cursor = slot + 1 == slots ? 0 : slot + 1;
    return slot;
  }

  private long nextClear(long from, long to) {
    if (from >= to) {
      return -1;
    }
    int w = (int) (from >>> 6);
    long word = ~used[w] & (-1L << from);
    while (true) {
      if (word != 0) {
        long slot = ((long) w << 6) + Long.numberOfTrailingZeros(word);
        return slot < to ? slot : -1;
      }
      if (++w == used.length || ((long) w << 6) >= to) {
        return -1;
      }
      word = ~used[w];
    }
  }

  /** Marks a slot the index refers to; false if it was already marked. */
  public boolean markUsed(long slot) {
    checkSlot(slot);
    if (isUsed(slot)) {
      return false;
    }
    used[(int) (slot >>> 6)] |= 1L << slot;
    free--;
    return true;
  }

  /** Returns a slot no durable index state can refer to (a failed write's allocation) straight away. */
  public void release(long slot) {
    checkSlot(slot);
    if (!isUsed(slot) || pending.get(slot) || sealed.get(slot)) {
      throw new IllegalStateException("slot " + slot + " released but not allocated");
    }
    used[(int) (slot >>> 6)] &= ~(1L << slot);
    free++;
  }

  /** A committed change stopped referring to {@code slot}; it becomes free after the next checkpoint. */
  public void freeAfterCheckpoint(long slot) {
    checkSlot(slot);
    if (!isUsed(slot) || sealed.get(slot) || !pending.set(slot)) {
      throw new IllegalStateException("slot " + slot + " freed twice or never used");
    }
  }

  /** A checkpoint starts: the slots freed so far are covered by it. */
  public void seal() {
    pending.moveTo(sealed);
  }

  /** The checkpoint completed: sealed slots are free. */
  public void releaseSealed() {
    long before = sealed.count();
    sealed.drain(slot -> used[(int) (slot >>> 6)] &= ~(1L << slot));
    free += before;
  }

  private void checkSlot(long slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slots - 1));
    }
  }
}
