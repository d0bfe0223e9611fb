package io.pxlite.store;

import io.pxlite.store.alloc.LongList;
import io.pxlite.store.alloc.SlotRuns;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.index.BlockIndex;
import io.pxlite.store.index.BlockKey;
import io.pxlite.store.index.BlockLocation;
import io.pxlite.store.index.BlockVersions;
import io.pxlite.store.index.IndexChange;
import io.pxlite.store.index.IndexDb;
import java.nio.ByteBuffer;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one change to a volume's blocks (write, zero, shrink, snapshot deletion) into slot writes and
 * index operations gathered in an {@link IndexChange}. For each touched block it adds the new version
 * (data in a freshly allocated slot, never the live one, or a zero marker) and drops the versions
 * {@link VersionPruner} says no reader needs any more. The caller holds the volume's lock.
 */
final class VolumeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeWriter.class);
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  private static final byte NO_NEW_VERSION = 0;
  /** Past this many stored versions, zeroing a snapshot-free range uses one range delete, not one delete each. */
  private static final int RANGE_DELETE_THRESHOLD = 256;

  private final IndexDb db;
  private final BlockIndex index;
  private final DevicePool pool;
  private final BlockReader reader;
  private final Runnable checkpoint;

  /** {@code checkpoint} makes slots awaiting a checkpoint free; it runs when they are all that is left. */
  VolumeWriter(IndexDb db, BlockIndex index, DevicePool pool, BlockReader reader, Runnable checkpoint) {
    this.db = db;
    this.index = index;
    this.pool = pool;
    this.reader = reader;
    this.checkpoint = checkpoint;
  }

  /** Writes {@code data} (position to limit, left unchanged) at {@code offset}; partial blocks merge with the stored block. */
  void write(IndexChange change, Volume volume, long version, long offset, ByteBuffer data) {
    SlotRuns writes = new SlotRuns(pool, data.remaining() / BLOCK + 2);
    try (BlockIndex.Cursor lookup = index.cursor()) {
      write(change, lookup, writes, volume, version, offset, data);
    }
    // Before the caller commits the index change: no index entry may point at a slot not yet written.
    writes.writeAll();
  }

  /**
   * Writes {@code writes} in order, the i-th with version {@code firstVersion + i}, as
   * {@link #write(IndexChange, Volume, long, long, ByteBuffer)} would one after another: their blocks
   * are pairwise distinct, so none reads what another changes. One index iterator serves every
   * lookup and the slot writes of all of them go out together, one per run of slots.
   *
   * @return the version of the last write
   */
  long writeAll(IndexChange change, Volume volume, long firstVersion, java.util.List<EntryWrite> writes) {
    int blocks = 0;
    for (EntryWrite w : writes) {
      blocks += w.data().remaining() / BLOCK + 2;
    }
    SlotRuns slots = new SlotRuns(pool, blocks);
    long version = firstVersion;
    try (BlockIndex.Cursor lookup = index.cursor()) {
      for (EntryWrite w : writes) {
        write(change, lookup, slots, volume, version++, w.offset(), w.data());
      }
    }
    // Before the caller commits the index change: no index entry may point at a slot not yet written.
    slots.writeAll();
    return version - 1;
  }

  /**
   * Like {@link #write(IndexChange, Volume, long, long, ByteBuffer)}, but adds its slot writes to
   * {@code writes} for the caller to issue (before it commits the change), and looks up stored
   * versions through {@code lookup}: the writes of one change must touch distinct blocks.
   */
  void write(IndexChange change, BlockIndex.Cursor lookup, SlotRuns writes, Volume volume, long version, long offset,
      ByteBuffer data) {
    int length = data.remaining();
    if (length == 0) {
      return;
    }
    long first = offset / BLOCK;
    int count = (int) ((offset + length - 1) / BLOCK - first + 1);
    BlockVersions stored = new BlockVersions(count + 2);
    lookup.versions(volume.id, first, first + count, stored);

    ByteBuffer[] payloads = new ByteBuffer[count];
    int[] sourceOffsets = new int[count]; // where a whole block lies in data; -1 for a merged one
    int dataBlocks = 0;
    for (int i = 0, cursor = 0; i < count; i++) {
      long block = first + i;
      int end = endOfBlock(stored, cursor, block);
      long blockStart = block * BLOCK;
      int from = (int) Math.max(0, offset - blockStart);
      int to = (int) Math.min(BLOCK, offset + length - blockStart);
      int src = data.position() + (int) (blockStart + from - offset);
      ByteBuffer payload;
      if (from == 0 && to == BLOCK) {
        payload = data.slice(src, BLOCK);
        sourceOffsets[i] = src;
      } else {
        sourceOffsets[i] = -1;
        payload = ByteBuffer.allocate(BLOCK);
        int head = end - 1;
        if (end > cursor && stored.isData(head)) {
          reader.readVersion(volume.id, block, stored.address(head), stored.crc(head), payload);
        }
        payload.put(from, data, src, to - from);
      }
      // An all-zero block is stored as a hole: thin stays thin when a filesystem writes zeros.
      if (payload.mismatch(BlockReader.ZEROS) != -1) {
        payloads[i] = payload;
        dataBlocks++;
      }
      cursor = end;
    }

    LongList slots = allocate(change, dataBlocks);
    long[] snapshots = volume.snapshotIndexes();
    for (int i = 0, cursor = 0, next = 0; i < count; i++) {
      long block = first + i;
      int end = endOfBlock(stored, cursor, block);
      ByteBuffer payload = payloads[i];
      if (payload == null) {
        applyToBlock(change, volume, snapshots, stored, cursor, end, block, version, BlockLocation.ZERO, 0, 0);
      } else {
        long address = slots.get(next++);
        if (sourceOffsets[i] >= 0) {
          writes.add(address, data, sourceOffsets[i]);
        } else {
          writes.add(address, payload, 0);
        }
        applyToBlock(change, volume, snapshots, stored, cursor, end, block, version,
            BlockLocation.DATA, address, BlockReader.crc32c(payload));
      }
      cursor = end;
    }
  }

  /** Makes {@code [offset, offset+length)} read as zeros: whole blocks lose their data, partial ones are rewritten. */
  void zero(IndexChange change, Volume volume, long version, long offset, long length) {
    if (length == 0) {
      return;
    }
    long end = offset + length;
    long firstWhole = (offset + BLOCK - 1) / BLOCK;
    long endWhole = end / BLOCK;
    if (firstWhole > endWhole) {
      // Inside one block.
      write(change, volume, version, offset, BlockReader.ZEROS.slice(0, (int) length));
      return;
    }
    if (offset % BLOCK != 0) {
      write(change, volume, version, offset, BlockReader.ZEROS.slice(0, (int) (firstWhole * BLOCK - offset)));
    }
    if (end % BLOCK != 0) {
      write(change, volume, version, endWhole * BLOCK, BlockReader.ZEROS.slice(0, (int) (end - endWhole * BLOCK)));
    }
    zeroBlocks(change, volume, version, firstWhole, endWhole);
  }

  /** Makes blocks {@code [fromBlock, toBlock)} read as zeros, visiting only blocks that have versions. */
  void zeroBlocks(IndexChange change, Volume volume, long version, long fromBlock, long toBlock) {
    long[] snapshots = volume.snapshotIndexes();
    if (snapshots.length == 0) {
      dropAll(change, volume.id, fromBlock, toBlock);
      return;
    }
    forEachBlock(volume.id, fromBlock, toBlock, (stored, block) ->
        applyToBlock(change, volume, snapshots, stored, 0, stored.size(), block, version, BlockLocation.ZERO, 0, 0));
  }

  /** Drops every version that only a removed snapshot needed; {@code snapshots} are the ones that remain. */
  void prune(IndexChange change, Volume volume, long[] snapshots) {
    forEachBlock(volume.id, 0, Long.MAX_VALUE, (stored, block) -> {
      if (stored.size() > 1 || !stored.isData(0)) {
        applyToBlock(change, volume, snapshots, stored, 0, stored.size(), block, 0, NO_NEW_VERSION, 0, 0);
      }
    });
  }

  /**
   * Frees every slot a deleted volume's blocks used, read from an index snapshot taken before the
   * deletion, so that a volume of any size is deleted with one range delete and no list of its slots.
   */
  void unreferenceAll(long volumeId, Snapshot before) {
    try (ReadOptions options = new ReadOptions().setSnapshot(before).setTotalOrderSeek(true).setFillCache(false)) {
      index.scan(volumeId, 0, Long.MAX_VALUE, options, (block, version, kind, address, crc) -> {
        if (kind == BlockLocation.DATA) {
          pool.freeAfterCheckpoint(address);
        }
      });
    } catch (RuntimeException e) {
      // The deletion is committed; slots missed here are found free by the scan at the next open.
      LOG.error("volume {} is deleted but not all its slots could be freed until the store reopens", volumeId, e);
    }
  }

  /** With no snapshot, nothing in the range is needed: delete it all, in one range delete if it is large. */
  private void dropAll(IndexChange change, long volumeId, long fromBlock, long toBlock) {
    BlockVersions few = new BlockVersions(16);
    long[] counts = new long[3]; // stored versions, head data blocks, older data versions
    long[] previous = {-1, 0}; // block of the previous version, 1 if it held data
    index.scan(volumeId, fromBlock, toBlock, db.scanOptions, (block, ver, kind, address, crc) -> {
      if (counts[0] > 0) {
        counts[previous[0] == block ? 2 : 1] += previous[1];
      }
      counts[0]++;
      previous[0] = block;
      previous[1] = kind == BlockLocation.DATA ? 1 : 0;
      if (kind == BlockLocation.DATA) {
        change.unreference(address);
      }
      if (counts[0] <= RANGE_DELETE_THRESHOLD) {
        few.add(block, ver, kind, address, crc);
      }
    });
    if (counts[0] == 0) {
      return;
    }
    counts[1] += previous[1];
    if (counts[0] > RANGE_DELETE_THRESHOLD) {
      change.deleteRange(db.blocks, BlockKey.of(volumeId, fromBlock, 0),
          toBlock == Long.MAX_VALUE ? BlockKey.endOfVolume(volumeId) : BlockKey.of(volumeId, toBlock, 0));
    } else {
      for (int i = 0; i < few.size(); i++) {
        change.delete(db.blocks, BlockKey.of(volumeId, few.blockNo(i), few.version(i)));
      }
    }
    change.countBlocks(-counts[1], -counts[2]);
  }

  @FunctionalInterface
  private interface BlockAction {
    void apply(BlockVersions stored, long blockNo);
  }

  /** Calls {@code action} once per block in the range that has stored versions, with just that block's versions. */
  private void forEachBlock(long volumeId, long fromBlock, long toBlock, BlockAction action) {
    BlockVersions current = new BlockVersions(8);
    index.scan(volumeId, fromBlock, toBlock, db.scanOptions, (block, ver, kind, address, crc) -> {
      if (current.size() > 0 && current.blockNo(0) != block) {
        action.apply(current, current.blockNo(0));
        current.clear();
      }
      current.add(block, ver, kind, address, crc);
    });
    if (current.size() > 0) {
      action.apply(current, current.blockNo(0));
    }
  }

  private LongList allocate(IndexChange change, int count) {
    if (count > 0 && !pool.hasFree(count) && pool.awaitingCheckpoint() > 0) {
      // Freed slots are all that is left: make their release durable now rather than fail the write.
      checkpoint.run();
    }
    return change.allocate(count);
  }

  private static int endOfBlock(BlockVersions stored, int cursor, long block) {
    return cursor < stored.size() && stored.blockNo(cursor) == block ? stored.endOfBlock(cursor) : cursor;
  }

  /**
   * Adds a block's new version (unless {@code newKind} is {@link #NO_NEW_VERSION}) to its stored
   * versions {@code stored[from, end)}, and drops whatever is no longer needed.
   */
  private void applyToBlock(IndexChange change, Volume volume, long[] snapshots, BlockVersions stored, int from, int end,
      long block, long newVersion, byte newKind, long newAddress, int newCrc) {
    int n = end - from;
    if (newKind == BlockLocation.ZERO && (n == 0 || !stored.isData(end - 1))) {
      return; // already reads as zeros
    }
    boolean adds = newKind != NO_NEW_VERSION;
    int total = n + (adds ? 1 : 0);
    long[] versions = new long[total];
    boolean[] data = new boolean[total];
    boolean[] keep = new boolean[total];
    for (int i = 0; i < n; i++) {
      versions[i] = stored.version(from + i);
      data[i] = stored.isData(from + i);
    }
    if (adds) {
      if (n > 0 && versions[n - 1] >= newVersion) {
        throw new IllegalStateException("block " + block + " of volume " + volume.id + " already has version "
            + versions[n - 1] + ", not below the new " + newVersion);
      }
      versions[n] = newVersion;
      data[n] = newKind == BlockLocation.DATA;
    }
    VersionPruner.decide(versions, data, total, snapshots, keep);

    for (int i = 0; i < n; i++) {
      if (!keep[i]) {
        change.delete(db.blocks, BlockKey.of(volume.id, block, versions[i]));
        if (data[i]) {
          change.unreference(stored.address(from + i));
        }
      }
    }
    if (adds && keep[n]) {
      change.put(db.blocks, BlockKey.of(volume.id, block, newVersion),
          data[n] ? BlockLocation.data(newAddress, newCrc) : BlockLocation.ZERO_MARKER);
    }
    long liveBefore = n > 0 && data[n - 1] ? 1 : 0;
    long olderBefore = 0;
    for (int i = 0; i < n - 1; i++) {
      olderBefore += data[i] ? 1 : 0;
    }
    int newest = total - 1;
    while (newest >= 0 && !keep[newest]) {
      newest--;
    }
    long liveAfter = newest >= 0 && data[newest] ? 1 : 0;
    long olderAfter = 0;
    for (int i = 0; i < newest; i++) {
      olderAfter += keep[i] && data[i] ? 1 : 0;
    }
    change.countBlocks(liveAfter - liveBefore, olderAfter - olderBefore);
  }
}
