package io.pxlite.store;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory state of one volume: size, snapshot indexes, space counters, and the lock its
 * mutations hold. Sizes and snapshots are read without the lock (they are replaced whole); every
 * change happens under it, after the change is committed to the index.
 */
public final class Volume {
  private static final long[] NO_SNAPSHOTS = new long[0];

  public final long id;
  /** The log stream (replica group) whose events change this volume; null if recorded before streams were. */
  public final String stream;
  public final ReentrantLock lock = new ReentrantLock();
  private volatile long sizeBytes;
  private volatile long[] snapshotIndexes = NO_SNAPSHOTS;
  private volatile long liveBlocks;
  private volatile long snapshotBlocks;
  private volatile boolean deleted;
  /** The highest block version or snapshot index of this volume; guarded by {@link #lock}. */
  private long clock = -1;

  public Volume(long id, long sizeBytes, String stream) {
    this.id = id;
    this.stream = stream;
    this.sizeBytes = sizeBytes;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  void resized(long bytes) {
    sizeBytes = bytes;
  }

  /** Ascending indexes of this volume's snapshots; never modify. */
  long[] snapshotIndexes() {
    return snapshotIndexes;
  }

  public void snapshotAdded(long index) {
    long[] s = Arrays.copyOf(snapshotIndexes, snapshotIndexes.length + 1);
    s[s.length - 1] = index;
    Arrays.sort(s);
    snapshotIndexes = s;
  }

  /** The snapshot indexes once the one at {@code index} is gone. */
  long[] snapshotIndexesWithout(long index) {
    long[] s = snapshotIndexes;
    int i = Arrays.binarySearch(s, index);
    if (i < 0) {
      throw new IllegalStateException("volume " + id + " has no snapshot at index " + index);
    }
    long[] out = new long[s.length - 1];
    System.arraycopy(s, 0, out, 0, i);
    System.arraycopy(s, i + 1, out, i, s.length - i - 1);
    return out;
  }

  void snapshotsAre(long[] indexes) {
    snapshotIndexes = indexes;
  }

  /**
   * The version a change at log {@code index} stamps its blocks with: the index itself, unless the
   * volume already holds a version that high (its changes came from a stream with larger indexes), in
   * which case the next one up, so that versions keep ascending and snapshots stay exact.
   */
  long versionFor(long index) {
    return Math.max(index, clock + 1);
  }

  /** The index a snapshot taken at log {@code index} reads at: at or above every stored version. */
  long snapshotIndexFor(long index) {
    return Math.max(index, clock);
  }

  public void advanceClock(long version) {
    clock = Math.max(clock, version);
  }

  long liveBlocks() {
    return liveBlocks;
  }

  long snapshotBlocks() {
    return snapshotBlocks;
  }

  public void countBlocks(long liveDelta, long snapshotDelta) {
    liveBlocks += liveDelta;
    snapshotBlocks += snapshotDelta;
  }

  boolean deleted() {
    return deleted;
  }

  void markDeleted() {
    deleted = true;
  }

  /** @throws NoSuchVolumeException if the volume was deleted after it was looked up */
  void checkLive() {
    if (deleted) {
      throw new NoSuchVolumeException("volume " + id + " was deleted");
    }
  }
}
