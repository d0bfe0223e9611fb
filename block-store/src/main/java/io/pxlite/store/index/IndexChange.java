package io.pxlite.store.index;

import io.pxlite.store.AppliedPositions;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.StoreIOException;
import io.pxlite.store.Volume;
import io.pxlite.store.alloc.LongList;
import io.pxlite.store.device.DevicePool;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Everything one mutation does, gathered before any of it becomes visible: the index batch (which
 * always ends with the stream's new applied position), the slots it allocated and wrote, the slots it
 * stops referencing, and its effect on the volume's space counters. {@link #commit} writes the batch
 * and only then frees slots and counts; closing an uncommitted change returns its allocations, so a
 * mutation that fails leaves the store as it was.
 */
public final class IndexChange implements AutoCloseable {
  private final IndexDb db;
  private final DevicePool pool;
  private final AppliedPositions applied;
  private final ApplyPosition at;
  private final WriteBatch batch = new WriteBatch();
  private final LongList allocated = new LongList(4);
  private final LongList unreferenced = new LongList(4);
  /** Volume and block of every block key this change puts or deletes: the head cache forgets them. */
  private final LongList touchedVolumes = new LongList(4);
  private final LongList touchedBlocks = new LongList(4);
  private boolean touchedRange;
  private long liveBlocksDelta;
  private long snapshotBlocksDelta;
  private boolean committed;

  public IndexChange(IndexDb db, DevicePool pool, AppliedPositions applied, ApplyPosition at) {
    this.db = db;
    this.pool = pool;
    this.applied = applied;
    this.at = at;
  }

  public void put(ColumnFamilyHandle cf, byte[] key, byte[] value) {
    touched(cf, key);
    try {
      batch.put(cf, key, value);
    } catch (RocksDBException e) {
      throw new StoreIOException("building an index batch failed: " + e.getMessage(), e);
    }
  }

  public void delete(ColumnFamilyHandle cf, byte[] key) {
    touched(cf, key);
    try {
      batch.delete(cf, key);
    } catch (RocksDBException e) {
      throw new StoreIOException("building an index batch failed: " + e.getMessage(), e);
    }
  }

  public void deleteRange(ColumnFamilyHandle cf, byte[] from, byte[] to) {
    touchedRange |= cf == db.blocks;
    try {
      batch.deleteRange(cf, from, to);
    } catch (RocksDBException e) {
      throw new StoreIOException("building an index batch failed: " + e.getMessage(), e);
    }
  }

  private void touched(ColumnFamilyHandle cf, byte[] key) {
    if (cf == db.blocks) {
      touchedVolumes.add(BlockKey.volumeId(key));
      touchedBlocks.add(BlockKey.blockNo(key));
    }
  }

  /** Allocates {@code count} slots for this change; they go back to the pool unless it commits. */
  public LongList allocate(int count) {
    LongList slots = new LongList(count);
    try {
      pool.allocate(count, slots);
    } finally {
      for (int i = 0; i < slots.size(); i++) {
        allocated.add(slots.get(i));
      }
    }
    return slots;
  }

  /** After the commit nothing refers to this slot; it is freed once that is durable. */
  public void unreference(long slotAddress) {
    unreferenced.add(slotAddress);
  }

  public void countBlocks(long liveDelta, long snapshotDelta) {
    liveBlocksDelta += liveDelta;
    snapshotBlocksDelta += snapshotDelta;
  }

  /**
   * Writes the batch with the stream's new applied position (none for a change made outside the log,
   * such as a stream being rebuilt), then applies its effects in memory.
   */
  public void commit(Volume volume) {
    if (at != null) {
      put(db.meta, applied.key(at.stream()), AppliedPositions.value(at));
    }
    db.write(batch);
    committed = true;
    // Before anything else, so that no reader finds a version this batch replaced or removed.
    if (touchedRange) {
      db.heads.evictAll();
    } else {
      for (int i = 0; i < touchedBlocks.size(); i++) {
        db.heads.evict(touchedVolumes.get(i), touchedBlocks.get(i));
      }
    }
    if (at != null) {
      applied.advanced(at);
    }
    pool.freeAfterCheckpoint(unreferenced);
    if (volume != null) {
      volume.countBlocks(liveBlocksDelta, snapshotBlocksDelta);
    }
  }

  @Override
  public void close() {
    try {
      if (!committed) {
        pool.release(allocated);
      }
    } finally {
      batch.close();
    }
  }
}
