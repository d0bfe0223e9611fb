package io.pxlite.store.index;

import io.pxlite.store.StoreIOException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Lookups in the {@code blocks} column family: the stored versions of a volume's blocks. A block
 * with no key reads as zeros, so every scan touches only blocks that were ever written.
 */
public final class BlockIndex {
  /** Receives stored versions in key order. */
  @FunctionalInterface
  public interface VersionVisitor {
    void visit(long blockNo, long version, byte kind, long slotAddress, int crc);
  }

  /** Head reads of at most this many blocks (32 KiB) go through the head cache. */
  private static final int CACHED_RANGE_BLOCKS = 8;

  private final IndexDb db;

  public BlockIndex(IndexDb db) {
    this.db = db;
  }

  /** Appends every stored version of blocks {@code [fromBlock, toBlock)} to {@code out}, in key order. */
  public void versions(long volumeId, long fromBlock, long toBlock, BlockVersions out) {
    scan(volumeId, fromBlock, toBlock, optionsFor(fromBlock, toBlock), out::add);
  }

  /**
   * A reader of stored versions for many lookups in a row (the writes of one log entry): it opens
   * its iterators once, not per lookup. It reads the index as it was when each iterator opened, so
   * it suits only lookups whose blocks no change committed meanwhile touched.
   */
  public Cursor cursor() {
    return new Cursor();
  }

  /** See {@link #cursor}. Not thread-safe; close it to release its iterators. */
  public final class Cursor implements AutoCloseable {
    private RocksIterator oneBlock;
    private RocksIterator manyBlocks;

    private Cursor() {
    }

    /** Appends every stored version of blocks {@code [fromBlock, toBlock)} to {@code out}, in key order. */
    public void versions(long volumeId, long fromBlock, long toBlock, BlockVersions out) {
      RocksIterator it;
      if (toBlock - fromBlock == 1) {
        it = oneBlock != null ? oneBlock : (oneBlock = db.iterator(db.blocks, db.blockOptions));
      } else {
        it = manyBlocks != null ? manyBlocks : (manyBlocks = db.iterator(db.blocks, db.scanOptions));
      }
      scanWith(it, volumeId, fromBlock, toBlock, out::add);
    }

    @Override
    public void close() {
      if (oneBlock != null) {
        oneBlock.close();
      }
      if (manyBlocks != null) {
        manyBlocks.close();
      }
    }
  }

  /** Appends the versions at or below {@code limit} of blocks {@code [fromBlock, toBlock)}; per block the last one is what a reader sees. */
  public void versionsAtOrBelow(long volumeId, long fromBlock, long toBlock, long limit, BlockVersions out) {
    if (toBlock - fromBlock == 1) {
      newestAtOrBelow(volumeId, fromBlock, limit, out);
      return;
    }
    if (limit == Long.MAX_VALUE && toBlock - fromBlock <= CACHED_RANGE_BLOCKS) {
      headsOfRange(volumeId, fromBlock, toBlock, out);
      return;
    }
    scan(volumeId, fromBlock, toBlock, db.scanOptions, (block, version, kind, address, crc) -> {
      if (version <= limit) {
        out.add(block, version, kind, address, crc);
      }
    });
  }

  /**
   * The head versions of a short range: from the head cache if it holds every block, else from one
   * scan, whose newest version per block then enters the cache.
   */
  private void headsOfRange(long volumeId, long fromBlock, long toBlock, BlockVersions out) {
    int start = out.size();
    long block = fromBlock;
    while (block < toBlock && db.heads.find(volumeId, block, out)) {
      block++;
    }
    if (block == toBlock) {
      return;
    }
    out.truncate(start);
    int n = (int) (toBlock - fromBlock);
    long[] stamps = new long[n];
    for (int i = 0; i < n; i++) {
      stamps[i] = db.heads.stamp(volumeId, fromBlock + i);
    }
    scan(volumeId, fromBlock, toBlock, db.scanOptions, out::add);
    for (int i = start; i < out.size(); ) {
      int next = out.endOfBlock(i);
      int newest = next - 1;
      long b = out.blockNo(newest);
      db.heads.admit(stamps[(int) (b - fromBlock)], volumeId, b,
          out.version(newest), out.kind(newest), out.address(newest), out.crc(newest));
      i = next;
    }
  }

  /**
   * Appends the newest version at or below {@code limit} of one block, if there is one. A read of
   * the head ({@code limit} {@code Long.MAX_VALUE}) is served from the head cache when it can be and
   * fills it when not.
   */
  void newestAtOrBelow(long volumeId, long blockNo, long limit, BlockVersions out) {
    boolean head = limit == Long.MAX_VALUE;
    if (head && db.heads.find(volumeId, blockNo, out)) {
      return;
    }
    long stamp = head ? db.heads.stamp(volumeId, blockNo) : 0;
    byte[] key = BlockKey.of(volumeId, blockNo, limit);
    byte[] value = new byte[BlockLocation.DATA_LENGTH];
    try (RocksIterator it = db.iterator(db.blocks, db.blockOptions)) {
      it.seekForPrev(key);
      if (it.isValid()) {
        int keyLength = it.key(key);
        if (keyLength == BlockKey.LENGTH && BlockKey.volumeId(key) == volumeId && BlockKey.blockNo(key) == blockNo) {
          int at = out.size();
          out.add(key, value, it.value(value));
          if (head) {
            db.heads.admit(stamp, volumeId, blockNo, out.version(at), out.kind(at), out.address(at), out.crc(at));
          }
        }
      }
      check(it);
    }
  }

  /** Visits every stored version of blocks {@code [fromBlock, toBlock)} of a volume, in key order. */
  public void scan(long volumeId, long fromBlock, long toBlock, ReadOptions options, VersionVisitor visitor) {
    try (RocksIterator it = db.iterator(db.blocks, options)) {
      scanWith(it, volumeId, fromBlock, toBlock, visitor);
    }
  }

  private static void scanWith(RocksIterator it, long volumeId, long fromBlock, long toBlock, VersionVisitor visitor) {
    byte[] key = BlockKey.of(volumeId, fromBlock, 0);
    byte[] value = new byte[BlockLocation.DATA_LENGTH];
    for (it.seek(key); it.isValid(); it.next()) {
      if (it.key(key) != BlockKey.LENGTH) {
        throw new StoreIOException("corrupt block index key in volume " + volumeId);
      }
      long block = BlockKey.blockNo(key);
      if (BlockKey.volumeId(key) != volumeId || block >= toBlock) {
        break;
      }
      int valueLength = it.value(value);
      byte kind = BlockLocation.kind(value, valueLength);
      boolean data = kind == BlockLocation.DATA;
      visitor.visit(block, BlockKey.version(key), kind,
          data ? BlockLocation.slotAddress(value) : 0, data ? BlockLocation.crc(value) : 0);
    }
    check(it);
  }

  /** Prefix-bounded options when the range is one block (bloom filters skip tables without it), total order otherwise. */
  ReadOptions optionsFor(long fromBlock, long toBlock) {
    return toBlock - fromBlock == 1 ? db.blockOptions : db.scanOptions;
  }

  private static void check(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StoreIOException("block index scan failed: " + e.getMessage(), e);
    }
  }
}
