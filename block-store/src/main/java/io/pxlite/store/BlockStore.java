package io.pxlite.store;

import io.pxlite.store.device.Device;
import io.pxlite.store.device.DeviceFault;
import io.pxlite.store.device.DeviceIOException;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.device.DeviceSyncListener;
import io.pxlite.store.device.DeviceUsage;
import io.pxlite.store.device.ForeignDeviceException;
import io.pxlite.store.index.BlockIndex;
import io.pxlite.store.index.BlockKey;
import io.pxlite.store.index.Catalog;
import io.pxlite.store.index.IndexChange;
import io.pxlite.store.index.IndexDb;
import io.pxlite.store.snapshot.SnapshotRecord;
import io.pxlite.store.snapshot.SnapshotView;
import io.pxlite.store.stream.StreamImport;
import io.pxlite.store.stream.StreamSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.Snapshot;

/**
 * The node's block store. One instance per node; thread-safe. Mutations for one stream are applied
 * by one thread in log order; mutations of different streams, and reads, may run concurrently.
 *
 * <p>Every mutation takes the {@link ApplyPosition} of the log entry that caused it. If that position
 * is not after the stream's applied position the call does nothing (replay). Otherwise the change
 * and the new applied position are written in one atomic batch. A mutation that throws leaves the
 * store unchanged; the caller then records the position with {@link #recordApplied}.
 *
 * <p>Buffers passed in keep their positions: {@link #write} reads {@code data} from its position to
 * its limit without consuming it.
 */
public final class BlockStore implements AutoCloseable {
  /** The unit of allocation, checksumming and versioning. */
  public static final int BLOCK_SIZE = 4096;

  private final IndexDb db;
  private final DevicePool pool;
  private final DeviceSyncListener listener;
  private final Catalog catalog;
  private final AppliedPositions applied;
  private final StoreHealth health;
  private final ReclaimGuard guard = new ReclaimGuard();
  /** Mutations and checkpoints hold it shared; closing takes it exclusively, so nothing runs on a closed index. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final ReentrantLock checkpointLock = new ReentrantLock();
  private final BlockReader reader;
  private final VolumeWriter writer;
  /** Open {@link StreamSnapshot}s: while any is open, checkpoints keep freed slots from reuse. */
  private final java.util.concurrent.atomic.AtomicInteger openExports = new java.util.concurrent.atomic.AtomicInteger();

  BlockStore(IndexDb db, DevicePool pool, DeviceSyncListener listener, Catalog catalog,
      AppliedPositions applied, StoreHealth health) {
    this.db = db;
    this.pool = pool;
    this.listener = listener;
    this.catalog = catalog;
    this.applied = applied;
    this.health = health;
    BlockIndex index = new BlockIndex(db);
    this.reader = new BlockReader(index, pool, guard, health);
    this.writer = new VolumeWriter(db, index, pool, reader, this::checkpoint);
  }

  /**
   * Opens the index and the devices: creates and labels new devices, refuses foreign ones unless
   * {@code config.force()}, and rebuilds the slot maps by scanning the index.
   *
   * @throws ForeignDeviceException if a device belongs to another cluster or node, or holds other data
   * @throws StoreException if a device the index needs is missing, or a device is unusable
   */
  public static BlockStore open(StoreConfig config) {
    return StoreLoader.open(config);
  }

  // ---------------------------------------------------------------- mutations

  /** Registers a new, empty (all-holes) volume of {@code sizeBytes}, a multiple of {@link #BLOCK_SIZE}. */
  public void createVolume(ApplyPosition at, long volumeId, long sizeBytes) {
    apply(at, () -> {
      checkSize(volumeId, sizeBytes);
      synchronized (catalog) {
        catalog.checkUnused(volumeId);
        try (IndexChange change = change(at)) {
          change.put(db.volumes, Catalog.key(volumeId), Catalog.volumeValue(sizeBytes, at.stream()));
          change.commit(null);
        }
        catalog.added(new Volume(volumeId, sizeBytes, at.stream()));
      }
    });
  }

  /** Writes {@code data} (position to limit) at {@code offset}; unaligned ranges read-modify-write. */
  public void write(ApplyPosition at, long volumeId, long offset, ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    apply(at, () -> changeBlocks(at, volumeId, (change, volume, version) -> {
      ByteRange.within(offset, data.remaining(), volume.sizeBytes(), "write", "volume", volumeId);
      writer.write(change, volume, version, offset, data);
    }, null));
  }

  /**
   * Applies {@code writes} to one volume at parts {@code first.part()}, {@code first.part() + 1}, … of
   * one log entry, as one change. The store ends exactly as after one {@link #write} per part (same
   * block versions, slots' contents and applied position), with one index batch and one device
   * write per run of consecutive slots for them all. The writes must touch pairwise distinct blocks.
   * If any of them would be refused (out of range, no space, no such volume, a block to merge into
   * that fails its checksum), none is applied and that refusal is thrown: the caller then applies
   * them one by one to learn each one's outcome. Parts already applied (a replay) are skipped.
   */
  public void writeAll(ApplyPosition first, long volumeId, List<EntryWrite> writes) {
    if (writes.isEmpty()) {
      return;
    }
    ApplyPosition last = first.part(first.part() + writes.size() - 1);
    apply(last, () -> {
      int skip = 0;
      while (!applied.isNew(first.part(first.part() + skip))) {
        skip++;
      }
      List<EntryWrite> fresh = writes.subList(skip, writes.size());
      Volume volume = catalog.volumeForChange(volumeId);
      volume.lock.lock();
      try {
        volume.checkLive();
        for (EntryWrite w : fresh) {
          ByteRange.within(w.offset(), w.data().remaining(), volume.sizeBytes(), "write", "volume", volumeId);
        }
        // One write per part would give each part the version one above the part before it.
        long lastVersion;
        try (IndexChange change = change(last)) {
          lastVersion = writer.writeAll(change, volume, volume.versionFor(first.index()), fresh);
          change.commit(volume);
        }
        volume.advanceClock(lastVersion);
      } finally {
        volume.lock.unlock();
      }
    });
  }

  /** Makes {@code [offset, offset+length)} read as zeros, releasing whole blocks (TRIM, WRITE_ZEROES). */
  public void zero(ApplyPosition at, long volumeId, long offset, long length) {
    apply(at, () -> changeBlocks(at, volumeId, (change, volume, version) -> {
      ByteRange.within(offset, length, volume.sizeBytes(), "zero", "volume", volumeId);
      writer.zero(change, volume, version, offset, length);
    }, null));
  }

  /** Grows or shrinks a volume; shrinking releases blocks past the new end (kept if a snapshot needs them). */
  public void resize(ApplyPosition at, long volumeId, long newSizeBytes) {
    apply(at, () -> {
      checkSize(volumeId, newSizeBytes);
      changeBlocks(at, volumeId, (change, volume, version) -> {
        if (newSizeBytes < volume.sizeBytes()) {
          // Blocks past the end must read as zeros should the volume grow again.
          writer.zeroBlocks(change, volume, version, newSizeBytes / BLOCK_SIZE, Long.MAX_VALUE);
        }
        change.put(db.volumes, Catalog.key(volumeId),
            Catalog.volumeValue(newSizeBytes, volume.stream != null ? volume.stream : at.stream()));
      }, volume -> volume.resized(newSizeBytes));
    });
  }

  @FunctionalInterface
  private interface BlockChange {
    void build(IndexChange change, Volume volume, long version);
  }

  /**
   * Runs a change of a volume's blocks under its lock, with the version its new blocks carry, commits
   * it, then runs {@code committed} (if any) on the volume, still under the lock.
   */
  private void changeBlocks(ApplyPosition at, long volumeId, BlockChange body, Consumer<Volume> committed) {
    Volume volume = catalog.volumeForChange(volumeId);
    volume.lock.lock();
    try {
      volume.checkLive();
      long version = volume.versionFor(at.index());
      try (IndexChange change = change(at)) {
        body.build(change, volume, version);
        change.commit(volume);
      }
      volume.advanceClock(version);
      if (committed != null) {
        committed.accept(volume);
      }
    } finally {
      volume.lock.unlock();
    }
  }

  /** Freezes the volume's current contents as snapshot {@code snapshotId}; copies nothing. */
  public void snapshot(ApplyPosition at, long volumeId, long snapshotId) {
    apply(at, () -> {
      synchronized (catalog) {
        Volume volume = catalog.volumeForChange(volumeId);
        volume.lock.lock();
        try {
          volume.checkLive();
          catalog.checkUnused(snapshotId);
          long index = volume.snapshotIndexFor(at.index());
          SnapshotRecord record = new SnapshotRecord(snapshotId, volumeId, index, volume.sizeBytes());
          try (IndexChange change = change(at)) {
            change.put(db.snapshots, Catalog.key(snapshotId), record.encodeValue());
            change.commit(volume);
          }
          volume.snapshotAdded(index);
          volume.advanceClock(index);
          catalog.added(record);
        } finally {
          volume.lock.unlock();
        }
      }
    });
  }

  /** Drops a snapshot and releases the block versions only it needed. */
  public void deleteSnapshot(ApplyPosition at, long snapshotId) {
    apply(at, () -> {
      synchronized (catalog) {
        SnapshotRecord record = catalog.snapshotNamed(snapshotId);
        Volume volume = catalog.volume(record.volumeId())
            .orElseThrow(() -> new IllegalStateException("snapshot " + snapshotId + " outlived volume " + record.volumeId()));
        volume.lock.lock();
        try {
          long[] remaining = volume.snapshotIndexesWithout(record.index());
          try (IndexChange change = change(at)) {
            change.delete(db.snapshots, Catalog.key(snapshotId));
            writer.prune(change, volume, remaining);
            change.commit(volume);
          }
          volume.snapshotsAre(remaining);
          catalog.removed(record);
        } finally {
          volume.lock.unlock();
        }
      }
    });
  }

  /** Drops a volume, its snapshots, and all their blocks. */
  public void deleteVolume(ApplyPosition at, long volumeId) {
    apply(at, () -> {
      synchronized (catalog) {
        drop(catalog.volumeForChange(volumeId), at);
      }
    });
  }

  /** Deletes a volume, its snapshots and blocks in one batch recording {@code at} (null: no position). Holds the catalog's monitor. */
  private void drop(Volume volume, ApplyPosition at) {
    long volumeId = volume.id;
    volume.lock.lock();
    // The slots to free are read from an index snapshot taken before the range delete.
    Snapshot before = db.snapshot();
    try {
      volume.checkLive();
      try (IndexChange change = new IndexChange(db, pool, applied, at)) {
        change.deleteRange(db.blocks, BlockKey.of(volumeId, 0, 0), BlockKey.endOfVolume(volumeId));
        change.delete(db.volumes, Catalog.key(volumeId));
        for (SnapshotRecord s : catalog.snapshotsOf(volumeId)) {
          change.delete(db.snapshots, Catalog.key(s.id()));
        }
        change.commit(null);
      }
      volume.markDeleted();
      catalog.removed(volume);
      writer.unreferenceAll(volumeId, before);
    } finally {
      db.release(before);
      volume.lock.unlock();
    }
  }

  /** Advances a stream's applied position without a change (a failed or empty log entry). */
  public void recordApplied(ApplyPosition at) {
    apply(at, () -> {
      try (IndexChange change = change(at)) {
        change.commit(null);
      }
    });
  }

  /** The last position applied for {@code stream}; right after {@link #open} this is the durable one. */
  public ApplyPosition applied(String stream) {
    Objects.requireNonNull(stream, "stream");
    return applied.get(stream);
  }

  /**
   * Makes everything applied so far durable: syncs devices, then flushes the index. After it returns
   * a crash loses nothing applied before the call, and slots freed before the call may be reused.
   */
  public void checkpoint() {
    lifecycle.readLock().lock();
    checkpointLock.lock();
    try {
      health.checkWritable();
      pool.seal();
      try {
        pool.forceAll();
      } catch (IOException e) {
        health.failed(e);
        throw new StoreIOException("syncing devices for a checkpoint failed: " + e.getMessage(), e);
      }
      db.flush();
      health.checkWritable(); // the flush listener's own sync may have failed
      guard.awaitReaders();
      if (openExports.get() == 0) {
        // An open export still reads slots its frozen view refers to; they come back after it closes.
        pool.releaseSealed();
      }
    } finally {
      checkpointLock.unlock();
      lifecycle.readLock().unlock();
    }
  }

  /** Runs a mutation unless its position was already applied; the store cannot close meanwhile. */
  private void apply(ApplyPosition at, Runnable mutation) {
    Objects.requireNonNull(at, "at");
    lifecycle.readLock().lock();
    try {
      health.checkWritable();
      if (applied.isNew(at)) {
        mutation.run();
      }
    } catch (StoreIOException e) {
      if (e.getCause() instanceof DeviceIOException device) {
        // A lost slot write means the device may have lost earlier, unsynced ones too.
        health.failed(device);
      }
      throw e;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private IndexChange change(ApplyPosition at) {
    return new IndexChange(db, pool, applied, at);
  }

  private static void checkSize(long volumeId, long sizeBytes) {
    if (sizeBytes < 0 || sizeBytes % BLOCK_SIZE != 0) {
      throw new OutOfRangeException("size " + sizeBytes + " of volume " + volumeId
          + " is not a non-negative multiple of " + BLOCK_SIZE);
    }
  }

  // ---------------------------------------------------------------- rebuilding a replica

  /**
   * Freezes everything {@code stream} holds here, to be copied to another replica. The caller must
   * hold off the stream's next log entry while this runs, so the view's position is a whole entry.
   *
   * @throws StoreException if a volume here does not record its stream (created by an older pxlite)
   */
  public StreamSnapshot openStreamSnapshot(String stream) {
    Objects.requireNonNull(stream, "stream");
    lifecycle.readLock().lock();
    try {
      health.checkOpen();
      openExports.incrementAndGet();
      try {
        return new StreamSnapshot(db, reader, applied, stream, openExports::decrementAndGet);
      } catch (RuntimeException e) {
        openExports.decrementAndGet();
        throw e;
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Drops every volume of {@code stream} held here and returns the import that fills the stream again
   * from another replica's {@link StreamSnapshot}. The caller applies no entry of the stream until the
   * import finished.
   */
  public StreamImport beginStreamImport(String stream) {
    Objects.requireNonNull(stream, "stream");
    java.util.function.Consumer<Runnable> guarded = body -> {
      lifecycle.readLock().lock();
      try {
        health.checkWritable();
        body.run();
      } finally {
        lifecycle.readLock().unlock();
      }
    };
    guarded.accept(() -> {
      synchronized (catalog) {
        for (Volume v : catalog.volumesOf(stream)) {
          drop(v, null);
        }
      }
    });
    return new StreamImport(stream, db, pool, applied, catalog, guarded, this::checkpoint);
  }

  /**
   * Forgets a stream entirely: its volumes, their snapshots and blocks, and its applied position —
   * this node left the replica group. Should it join again, it starts from nothing and is rebuilt.
   */
  public void dropStream(String stream) {
    Objects.requireNonNull(stream, "stream");
    lifecycle.readLock().lock();
    try {
      health.checkWritable();
      synchronized (catalog) {
        for (Volume v : catalog.volumesOf(stream)) {
          drop(v, null);
        }
        try (IndexChange change = new IndexChange(db, pool, applied, null)) {
          change.delete(db.meta, applied.key(stream));
          change.commit(null);
        }
        applied.forget(stream);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    checkpoint();
  }

  // ---------------------------------------------------------------- reads

  /** A view of a volume (read-write) or snapshot (read-only) by id. */
  public BlockView view(long volumeOrSnapshotId) {
    health.checkOpen();
    Optional<Volume> volume = catalog.volume(volumeOrSnapshotId);
    if (volume.isPresent()) {
      return new VolumeView(volume.get(), reader);
    }
    return catalog.snapshot(volumeOrSnapshotId)
        .<BlockView>map(s -> new SnapshotView(s, catalog, reader))
        .orElseThrow(() -> new NoSuchVolumeException("no volume or snapshot " + volumeOrSnapshotId + " in this store"));
  }

  public boolean hasVolume(long volumeId) {
    return catalog.volume(volumeId).isPresent();
  }

  /** The volume a snapshot was taken of, if {@code snapshotId} is a snapshot. */
  public Optional<Long> snapshotParent(long snapshotId) {
    return catalog.snapshot(snapshotId).map(SnapshotRecord::volumeId);
  }

  public VolumeUsage usage(long volumeId) {
    Volume v = catalog.volume(volumeId).orElseThrow(() -> catalog.snapshot(volumeId).isPresent()
        ? new NoSuchVolumeException("id " + volumeId + " is a snapshot; its space is counted in its volume's usage")
        : new NoSuchVolumeException("no volume " + volumeId + " in this store"));
    return new VolumeUsage(volumeId, v.sizeBytes(), v.liveBlocks() * BLOCK_SIZE, v.snapshotBlocks() * BLOCK_SIZE);
  }

  public List<DeviceUsage> devices() {
    return new ArrayList<>(pool.usage());
  }

  /**
   * Repairs one block of a volume's head from {@code good}, a copy read from another replica: only if
   * the copy matches the checksum the index holds for the block and the stored bytes do not.
   *
   * @param offset the block's byte offset (a multiple of {@link #BLOCK_SIZE})
   * @return whether the block was rewritten
   * @throws StoreIOException if the device cannot be written
   */
  public boolean repairBlock(long volumeId, long offset, ByteBuffer good) {
    if (offset % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException("offset " + offset + " is not block-aligned");
    }
    try {
      return reader.repair(volumeId, offset / BLOCK_SIZE, good);
    } catch (IOException e) {
      throw new StoreIOException("repairing block " + offset / BLOCK_SIZE + " of volume " + volumeId + ": "
          + e.getMessage(), e);
    }
  }

  /** Why the store stopped accepting changes (a device failed), if it did. */
  public Optional<StoreFailure> failure() {
    return Optional.ofNullable(health.failure());
  }

  /**
   * Calls {@code listener} once when the store fails (at once if it already has), on the thread that
   * met the failure: a listener must only hand the news on, never block or touch the store.
   *
   * @return what unsubscribes the listener
   */
  public Runnable whenFailed(java.util.function.Consumer<StoreFailure> listener) {
    return health.whenFailed(listener);
  }

  /**
   * Makes every device consult {@code fault} before each read, write and sync (null: no fault). For
   * tests that need a failing disk; production code never calls it.
   */
  public void injectDeviceFaultForTest(DeviceFault fault) {
    for (Device d : pool.devices()) {
      d.injectFault(fault);
    }
  }

  /** The block index's RocksDB counters and memory. */
  public io.pxlite.store.index.IndexStats indexStats() {
    return db.stats();
  }

  /** How many reads failed their checksum since the store opened. */
  public long checksumErrors() {
    return reader.checksumErrors();
  }

  /**
   * Waits for mutations and reads in progress, checkpoints (unless a device sync failed), and closes.
   * Later calls fail with a {@link StoreException}.
   */
  @Override
  public void close() {
    close(true);
  }

  /**
   * Closes without syncing devices or flushing the index, losing everything applied since the last
   * flush exactly as a crash would. For crash tests only.
   */
  void closeWithoutCheckpointForTest() {
    close(false);
  }

  /** Runs {@code hook} inside every read, between its index lookup and its device reads. For tests only. */
  void afterIndexLookupForTest(Runnable hook) {
    reader.afterLookupForTest(hook);
  }

  /** Whether a checkpoint is waiting for reads in progress before it frees slots. For tests only. */
  boolean checkpointWaitsForReadsForTest() {
    return guard.hasWaitingCheckpoint();
  }

  private void close(boolean checkpointFirst) {
    lifecycle.writeLock().lock();
    try {
      if (health.isClosed()) {
        return;
      }
      try {
        if (checkpointFirst && !health.hasFailed()) {
          checkpoint();
        }
      } finally {
        health.closed();
        guard.awaitReaders();
        try {
          db.close();
        } finally {
          try {
            pool.close();
          } finally {
            listener.close();
          }
        }
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
