package io.pxlite.store.index;

import io.pxlite.store.StoreIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.List;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.HistogramType;
import org.rocksdb.ReadOptions;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB instance behind the index, its column families and the options every access uses.
 *
 * <p>The WAL is off: the Raft log upstream is the write-ahead log, and the store records per stream
 * which position its index reflects. Because no WAL ties the column families together, flushes are
 * atomic across them ({@code atomic_flush}), so a durable state never has a stream's applied position
 * without the block entries of the same batch. RocksDB's own flush on close is off too: the store
 * decides when to flush (after syncing the devices), and a crash test must be able to lose the memtable.
 */
public final class IndexDb implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final long BLOCKS_WRITE_BUFFER = 64L << 20;
  private static final long SMALL_WRITE_BUFFER = 4L << 20;
  private static final long BLOCK_CACHE = 64L << 20;
  /** 2^19 entries, about 19 MiB: the newest version of up to 2 GiB of recently read 4 KiB blocks. */
  private static final int HEAD_CACHE_BITS = 19;

  private final RocksDB db;
  private final List<AutoCloseable> resources;
  private final List<ColumnFamilyHandle> handles;
  public final ColumnFamilyHandle blocks;
  public final ColumnFamilyHandle volumes;
  public final ColumnFamilyHandle snapshots;
  public final ColumnFamilyHandle meta;
  /** For scans that cross block prefixes: ignore the prefix extractor. */
  public final ReadOptions scanOptions;
  /** For lookups within one block's versions: prefix bloom filters apply. */
  final ReadOptions blockOptions;
  private final WriteOptions writeOptions;
  private final FlushOptions flushOptions;
  /** Newest versions of recently read blocks; every {@link IndexChange} commit keeps it true. */
  final HeadCache heads = new HeadCache(HEAD_CACHE_BITS);
  /** RocksDB's counters (tickers and histograms), read for metrics. */
  private final Statistics statistics;

  private IndexDb(RocksDB db, List<AutoCloseable> resources, List<ColumnFamilyHandle> handles, Statistics statistics) {
    this.statistics = statistics;
    this.db = db;
    this.resources = resources;
    this.handles = handles;
    this.blocks = handles.get(1);
    this.volumes = handles.get(2);
    this.snapshots = handles.get(3);
    this.meta = handles.get(4);
    this.scanOptions = own(new ReadOptions().setTotalOrderSeek(true));
    this.blockOptions = own(new ReadOptions().setPrefixSameAsStart(true));
    this.writeOptions = own(new WriteOptions().setDisableWAL(true));
    this.flushOptions = own(new FlushOptions().setWaitForFlush(true));
  }

  /** What the index has done and holds now; properties RocksDB cannot read count as 0. */
  public IndexStats stats() {
    return new IndexStats(
        statistics.getTickerCount(TickerType.BYTES_WRITTEN),
        statistics.getTickerCount(TickerType.BYTES_READ),
        statistics.getHistogramData(HistogramType.COMPACTION_TIME).getCount(),
        longProperty("rocksdb.cur-size-all-mem-tables"),
        longProperty("rocksdb.block-cache-usage"));
  }

  private long longProperty(String name) {
    try {
      return db.getLongProperty(name);
    } catch (RocksDBException e) {
      // A gauge: a property this RocksDB build lacks reads as nothing rather than failing a scrape.
      return 0;
    }
  }

  private <T extends AutoCloseable> T own(T resource) {
    resources.add(resource);
    return resource;
  }

  public static IndexDb open(Path dir, AbstractEventListener listener) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Cache cache = add(resources, new LRUCache(BLOCK_CACHE));
      Statistics statistics = add(resources, new Statistics());
      BloomFilter bloom = add(resources, new BloomFilter(10));
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(bloom)
          // Lookups always name a block prefix, never a whole key; filter on the prefix only.
          .setWholeKeyFiltering(false);
      ColumnFamilyOptions blockCf = add(resources, new ColumnFamilyOptions()
          .useFixedLengthPrefixExtractor(BlockKey.PREFIX_LENGTH)
          .setMemtablePrefixBloomSizeRatio(0.1)
          .setWriteBufferSize(BLOCKS_WRITE_BUFFER)
          .setTableFormatConfig(table));
      ColumnFamilyOptions smallCf = add(resources, new ColumnFamilyOptions().setWriteBufferSize(SMALL_WRITE_BUFFER));
      DBOptions options = add(resources, new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setAtomicFlush(true)
          .setAvoidFlushDuringShutdown(true)
          .setMaxBackgroundJobs(2)
          .setKeepLogFileNum(5)
          .setStatistics(statistics)
          .setListeners(List.of(listener)));
      List<ColumnFamilyDescriptor> descriptors = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallCf),
          new ColumnFamilyDescriptor(bytes("blocks"), blockCf),
          new ColumnFamilyDescriptor(bytes("volumes"), smallCf),
          new ColumnFamilyDescriptor(bytes("snapshots"), smallCf),
          new ColumnFamilyDescriptor(bytes("meta"), smallCf));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
      return new IndexDb(db, resources, handles, statistics);
    } catch (RocksDBException | IOException e) {
      closeAll(resources);
      throw new StoreIOException("cannot open the block index at " + dir + ": " + e.getMessage(), e);
    }
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> resources, T resource) {
    resources.add(resource);
    return resource;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public RocksIterator iterator(ColumnFamilyHandle cf, ReadOptions options) {
    return db.newIterator(cf, options);
  }

  public byte[] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StoreIOException("block index read failed: " + e.getMessage(), e);
    }
  }

  public byte[] get(ColumnFamilyHandle cf, ReadOptions options, byte[] key) {
    try {
      return db.get(cf, options, key);
    } catch (RocksDBException e) {
      throw new StoreIOException("block index read failed: " + e.getMessage(), e);
    }
  }

  public void write(WriteBatch batch) {
    try {
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StoreIOException("block index write failed: " + e.getMessage(), e);
    }
  }

  /** Flushes every column family's memtable together and waits; the flush listener syncs devices first. */
  public void flush() {
    try {
      db.flush(flushOptions, handles);
    } catch (RocksDBException e) {
      throw new StoreIOException("block index flush failed: " + e.getMessage(), e);
    }
  }

  /** Visits every key starting with {@code prefix} in a small column family (startup loading). */
  public void forEachWithPrefix(ColumnFamilyHandle cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    forEachWithPrefix(cf, prefix, scanOptions, visitor);
  }

  /** As above, reading through {@code options} (e.g. at a snapshot); they must allow total-order seeks. */
  public void forEachWithPrefix(ColumnFamilyHandle cf, byte[] prefix, ReadOptions options, BiConsumer<byte[], byte[]> visitor) {
    try (RocksIterator it = db.newIterator(cf, options)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Arrays.equals(key, 0, Math.min(prefix.length, key.length), prefix, 0, prefix.length)) {
          break;
        }
        visitor.accept(key, it.value());
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreIOException("block index scan failed: " + e.getMessage(), e);
    }
  }

  public Snapshot snapshot() {
    return db.getSnapshot();
  }

  public void release(Snapshot snapshot) {
    db.releaseSnapshot(snapshot);
  }

  /** Closes without flushing: whatever is only in memtables is lost, as in a crash. */
  @Override
  public void close() {
    try {
      db.cancelAllBackgroundWork(true);
    } finally {
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      closeAll(resources);
    }
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException("closing a RocksDB resource failed", e);
      }
    }
  }
}
