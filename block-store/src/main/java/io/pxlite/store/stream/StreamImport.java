package io.pxlite.store.stream;

import io.pxlite.store.AppliedPositions;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockReader;
import io.pxlite.store.BlockStore;
import io.pxlite.store.ChecksumMismatchException;
import io.pxlite.store.NoSuchVolumeException;
import io.pxlite.store.StoredVersion;
import io.pxlite.store.Volume;
import io.pxlite.store.alloc.LongList;
import io.pxlite.store.alloc.SlotAddress;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.index.BlockKey;
import io.pxlite.store.index.BlockLocation;
import io.pxlite.store.index.Catalog;
import io.pxlite.store.index.IndexChange;
import io.pxlite.store.index.IndexDb;
import io.pxlite.store.snapshot.SnapshotRecord;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Replaces everything one stream (replica group) holds in this store with a copy read from another
 * replica's {@link StreamSnapshot}: a rebuild. Begun, the stream's old volumes are gone; the copy's
 * volumes, snapshots and block versions are added as they arrive (payloads in fresh slots, checked
 * against their CRC32C); {@link #finish} records the copy's position and checkpoints.
 *
 * <p>Nothing here goes through the stream's log, and the caller applies no entry of the stream while
 * an import runs. An import cut short (a crash, the source gone) leaves a partial copy under the old
 * position; the next import of the stream drops it whole, because it drops every volume the stream
 * owns, and a partial copy's volumes are recorded as the stream's from their first block.
 */
public final class StreamImport {
  private final String stream;
  private final IndexDb db;
  private final DevicePool pool;
  private final AppliedPositions applied;
  private final Catalog catalog;
  private final Consumer<Runnable> underLifecycle;
  private final Runnable checkpoint;
  private final Map<Long, Tail> tails = new HashMap<>();
  private long importedBytes;
  private boolean finished;

  /** The last version imported for a volume, to tell a block's newest version from older ones. */
  private static final class Tail {
    long block = -1;
    boolean data;
  }

  public StreamImport(String stream, IndexDb db, DevicePool pool, AppliedPositions applied, Catalog catalog,
      Consumer<Runnable> underLifecycle, Runnable checkpoint) {
    this.stream = stream;
    this.db = db;
    this.pool = pool;
    this.applied = applied;
    this.catalog = catalog;
    this.underLifecycle = underLifecycle;
    this.checkpoint = checkpoint;
  }

  public String stream() {
    return stream;
  }

  /** Adds an empty volume of the stream; its versions follow. */
  public void volume(long volumeId, long sizeBytes) {
    underLifecycle.accept(() -> {
      synchronized (catalog) {
        catalog.checkUnused(volumeId);
        try (IndexChange change = new IndexChange(db, pool, applied, null)) {
          change.put(db.volumes, Catalog.key(volumeId), Catalog.volumeValue(sizeBytes, stream));
          change.commit(null);
        }
        catalog.added(new Volume(volumeId, sizeBytes, stream));
        tails.put(volumeId, new Tail());
      }
    });
  }

  /** Adds stored versions of a volume added by {@link #volume}, in key order, continuing where the last call ended. */
  public void versions(long volumeId, List<StoredVersion> versions) {
    underLifecycle.accept(() -> {
      Volume volume = imported(volumeId);
      Tail tail = tails.get(volumeId);
      int dataCount = (int) versions.stream().filter(StoredVersion::isData).count();
      volume.lock.lock();
      try (IndexChange change = new IndexChange(db, pool, applied, null)) {
        LongList slots = change.allocate(dataCount);
        int next = 0;
        for (StoredVersion v : versions) {
          if (v.block() < tail.block) {
            throw new IllegalArgumentException("versions of volume " + volumeId + " out of order: block " + v.block()
                + " after " + tail.block);
          }
          if (tail.block >= 0 && tail.data) {
            // The previous version is superseded (same block: a snapshot's) or was its block's newest.
            change.countBlocks(tail.block == v.block() ? 0 : 1, tail.block == v.block() ? 1 : 0);
          }
          byte[] location;
          if (v.isData()) {
            ByteBuffer payload = v.payload().duplicate();
            if (payload.remaining() != BlockStore.BLOCK_SIZE || BlockReader.crc32c(payload) != v.crc()) {
              throw new ChecksumMismatchException("block " + v.block() + " version " + v.version() + " of volume "
                  + volumeId + " arrived damaged (its CRC32C does not match)");
            }
            long address = slots.get(next++);
            pool.device(SlotAddress.ordinal(address)).writeSlot(SlotAddress.slot(address), payload);
            location = BlockLocation.data(address, v.crc());
            importedBytes += BlockStore.BLOCK_SIZE;
          } else {
            location = BlockLocation.ZERO_MARKER;
          }
          change.put(db.blocks, BlockKey.of(volumeId, v.block(), v.version()), location);
          tail.block = v.block();
          tail.data = v.isData();
          volume.advanceClock(v.version());
        }
        change.commit(volume);
      } finally {
        volume.lock.unlock();
      }
    });
  }

  /** Adds a snapshot of a volume added by {@link #volume}. */
  public void snapshot(long snapshotId, long volumeId, long index, long sizeBytes) {
    underLifecycle.accept(() -> {
      synchronized (catalog) {
        Volume volume = imported(volumeId);
        catalog.checkUnused(snapshotId);
        SnapshotRecord record = new SnapshotRecord(snapshotId, volumeId, index, sizeBytes);
        try (IndexChange change = new IndexChange(db, pool, applied, null)) {
          change.put(db.snapshots, Catalog.key(snapshotId), record.encodeValue());
          change.commit(null);
        }
        volume.lock.lock();
        try {
          volume.snapshotAdded(index);
          volume.advanceClock(index);
        } finally {
          volume.lock.unlock();
        }
        catalog.added(record);
      }
    });
  }

  /** Records {@code position} as the stream's applied position and makes the whole copy durable. */
  public void finish(ApplyPosition position) {
    if (!position.stream().equals(stream)) {
      throw new IllegalArgumentException("position " + position + " is not of stream " + stream);
    }
    underLifecycle.accept(() -> {
      for (Map.Entry<Long, Tail> e : tails.entrySet()) {
        if (e.getValue().block >= 0 && e.getValue().data) {
          imported(e.getKey()).countBlocks(1, 0);
        }
        e.getValue().block = -1;
      }
      // Unconditional: a partial copy's replayed entries may have moved the position meanwhile.
      try (IndexChange change = new IndexChange(db, pool, applied, position)) {
        change.commit(null);
      }
    });
    checkpoint.run();
    finished = true;
  }

  public boolean finished() {
    return finished;
  }

  /** Payload bytes written so far. */
  public long importedBytes() {
    return importedBytes;
  }

  private Volume imported(long volumeId) {
    if (!tails.containsKey(volumeId)) {
      throw new IllegalArgumentException("volume " + volumeId + " is not part of this import of stream " + stream);
    }
    return catalog.volume(volumeId).orElseThrow(() -> new NoSuchVolumeException("volume " + volumeId + " vanished during its import"));
  }
}
