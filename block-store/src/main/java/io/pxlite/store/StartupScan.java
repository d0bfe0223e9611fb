package io.pxlite.store;

import io.pxlite.store.alloc.SlotAddress;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.index.BlockKey;
import io.pxlite.store.index.BlockLocation;
import io.pxlite.store.index.Catalog;
import io.pxlite.store.index.IndexDb;
import java.util.HashSet;
import java.util.Set;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds at open what the index implies but does not store: which slots are in use, each volume's
 * live and snapshot-only block counts, and each volume's highest version. One sequential pass over the
 * {@code blocks} column family; its cost grows with the number of stored block versions.
 */
final class StartupScan {
  private static final Logger LOG = LoggerFactory.getLogger(StartupScan.class);

  private final DevicePool pool;
  private final Catalog catalog;
  private final Set<Long> orphanVolumes = new HashSet<>();
  private long versions;
  // The previous key, to tell a block's newest version (the last of its run) from older ones.
  private boolean hasPrevious;
  private long previousVolume;
  private long previousBlock;
  private boolean previousData;
  private Volume volume;

  private StartupScan(DevicePool pool, Catalog catalog) {
    this.pool = pool;
    this.catalog = catalog;
  }

  static void run(IndexDb db, DevicePool pool, Catalog catalog) {
    long started = System.nanoTime();
    StartupScan scan = new StartupScan(pool, catalog);
    try (ReadOptions options = new ReadOptions().setTotalOrderSeek(true).setFillCache(false).setReadaheadSize(4L << 20);
        RocksIterator it = db.iterator(db.blocks, options)) {
      byte[] key = new byte[BlockKey.LENGTH];
      byte[] value = new byte[BlockLocation.DATA_LENGTH];
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (it.key(key) != BlockKey.LENGTH) {
          throw new StoreIOException("corrupt block index key of " + it.key().length + " bytes");
        }
        int valueLength = it.value(value);
        scan.visit(key, value, valueLength);
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreIOException("scanning the block index at open failed: " + e.getMessage(), e);
    }
    scan.finishPrevious(false);
    LOG.info("block index scanned at open: {} block versions in {} ms", scan.versions, (System.nanoTime() - started) / 1_000_000);
  }

  private void visit(byte[] key, byte[] value, int valueLength) {
    long volumeId = BlockKey.volumeId(key);
    long block = BlockKey.blockNo(key);
    long version = BlockKey.version(key);
    boolean data = BlockLocation.kind(value, valueLength) == BlockLocation.DATA;
    finishPrevious(hasPrevious && previousVolume == volumeId && previousBlock == block);
    if (volume == null || volume.id != volumeId) {
      volume = catalog.volume(volumeId).orElse(null);
      if (volume == null && orphanVolumes.add(volumeId)) {
        LOG.warn("the block index holds blocks of volume {}, which it has no record of; their slots stay reserved", volumeId);
      }
    }
    if (volume != null) {
      volume.advanceClock(version);
    }
    if (data) {
      long address = BlockLocation.slotAddress(value);
      if (!pool.markUsed(address)) {
        throw new StoreIOException("the block index refers to slot " + SlotAddress.slot(address) + " of device "
            + pool.device(SlotAddress.ordinal(address)) + " twice (again from block " + block + " version " + version
            + " of volume " + volumeId + ")");
      }
    }
    hasPrevious = true;
    previousVolume = volumeId;
    previousBlock = block;
    previousData = data;
    versions++;
  }

  /** Counts the previous version: older if the current one is of the same block, else that block's newest. */
  private void finishPrevious(boolean sameBlock) {
    if (!hasPrevious || !previousData) {
      return;
    }
    Volume v = volume != null && volume.id == previousVolume ? volume : catalog.volume(previousVolume).orElse(null);
    if (v != null) {
      v.countBlocks(sameBlock ? 0 : 1, sameBlock ? 1 : 0);
    }
  }
}
