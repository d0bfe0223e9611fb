package io.pxlite.store.stream;

import io.pxlite.store.AppliedPositions;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockReader;
import io.pxlite.store.BlockStore;
import io.pxlite.store.ChecksumMismatchException;
import io.pxlite.store.StoreException;
import io.pxlite.store.StoreIOException;
import io.pxlite.store.StoredVersion;
import io.pxlite.store.index.BigEndian;
import io.pxlite.store.index.BlockKey;
import io.pxlite.store.index.BlockLocation;
import io.pxlite.store.index.Catalog;
import io.pxlite.store.index.IndexDb;
import io.pxlite.store.snapshot.SnapshotRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A frozen view of everything one stream (replica group) holds in this store — its volumes, their
 * snapshots and every stored block version — at one applied position, read out in chunks to rebuild
 * another replica of the group.
 *
 * <p>The view is a RocksDB snapshot. The slots it refers to stay unreused while it is open: the store
 * defers handing freed slots back to the allocator (see {@link BlockStore#checkpoint}), so space
 * freed meanwhile comes back only after {@link #close}. The caller takes the view between two log
 * entries of the stream, never inside one, so the position is a whole entry.
 */
public final class StreamSnapshot implements AutoCloseable {
  /** A volume of the stream: its id and size at the position. */
  public record VolumeInfo(long id, long sizeBytes) {}

  /** A snapshot of one of the stream's volumes. */
  public record SnapshotInfo(long id, long volumeId, long index, long sizeBytes) {}

  /** Versions read from one volume, and where the next read starts (null when the volume is done). */
  public record Chunk(List<StoredVersion> versions, long[] next) {}

  private final IndexDb db;
  private final BlockReader reader;
  private final Snapshot snapshot;
  private final ReadOptions options;
  private final Runnable onClose;
  private final ApplyPosition position;
  private final List<VolumeInfo> volumes = new ArrayList<>();
  private final List<SnapshotInfo> snapshots = new ArrayList<>();
  private boolean closed;

  public StreamSnapshot(IndexDb db, BlockReader reader, AppliedPositions applied, String stream,
      Runnable onClose) {
    this.db = db;
    this.reader = reader;
    this.onClose = onClose;
    this.snapshot = db.snapshot();
    this.options = new ReadOptions().setSnapshot(snapshot).setTotalOrderSeek(true).setFillCache(false);
    byte[] at = db.get(db.meta, options, applied.key(stream));
    this.position = at == null ? ApplyPosition.none(stream)
        : new ApplyPosition(stream, BigEndian.getLong(at, 0), BigEndian.getLong(at, 8), at.length >= 24 ? (int) BigEndian.getLong(at, 16) : 0);
    List<Long> unknown = new ArrayList<>();
    db.forEachWithPrefix(db.volumes, new byte[0], options, (key, value) -> {
      String owner = Catalog.streamOf(value);
      if (owner == null) {
        unknown.add(BigEndian.getLong(key, 0));
      } else if (owner.equals(stream)) {
        volumes.add(new VolumeInfo(BigEndian.getLong(key, 0), BigEndian.getLong(value, 0)));
      }
    });
    if (!unknown.isEmpty()) {
      close();
      throw new StoreException("volumes " + unknown + " were created before volumes recorded their replica group;"
          + " this store cannot tell whether they belong to group " + stream + ", so it cannot export the group");
    }
    db.forEachWithPrefix(db.snapshots, new byte[0], options, (key, value) -> {
      SnapshotRecord s = SnapshotRecord.decode(key, value);
      if (volumes.stream().anyMatch(v -> v.id() == s.volumeId())) {
        snapshots.add(new SnapshotInfo(s.id(), s.volumeId(), s.index(), s.sizeBytes()));
      }
    });
  }

  /** The stream's applied position the view reflects: a rebuilt replica continues the log after it. */
  public ApplyPosition position() {
    return position;
  }

  public List<VolumeInfo> volumes() {
    return volumes;
  }

  public List<SnapshotInfo> snapshots() {
    return snapshots;
  }

  /**
   * Reads up to {@code maxVersions} stored versions of a volume, in key order, starting at block
   * {@code from[0]} version {@code from[1]}; each payload is checked against its CRC32C.
   *
   * @throws ChecksumMismatchException if a payload is damaged here (rebuild from another replica)
   */
  public synchronized Chunk read(long volumeId, long[] from, int maxVersions) {
    if (closed) {
      throw new StoreException("the export of stream " + position.stream() + " was closed");
    }
    List<StoredVersion> out = new ArrayList<>();
    long[] next = null;
    byte[] key = BlockKey.of(volumeId, from[0], from[1]);
    byte[] value = new byte[BlockLocation.DATA_LENGTH];
    try (RocksIterator it = db.iterator(db.blocks, options)) {
      for (it.seek(key); it.isValid(); it.next()) {
        if (it.key(key) != BlockKey.LENGTH || BlockKey.volumeId(key) != volumeId) {
          break;
        }
        long block = BlockKey.blockNo(key);
        long version = BlockKey.version(key);
        if (out.size() == maxVersions) {
          next = new long[] {block, version};
          break;
        }
        byte kind = BlockLocation.kind(value, it.value(value));
        if (kind == BlockLocation.DATA) {
          ByteBuffer payload = ByteBuffer.allocate(BlockStore.BLOCK_SIZE);
          reader.readVersion(volumeId, block, BlockLocation.slotAddress(value), BlockLocation.crc(value), payload);
          out.add(new StoredVersion(block, version, BlockLocation.crc(value), payload));
        } else {
          out.add(new StoredVersion(block, version, 0, null));
        }
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreIOException("reading the export of stream " + position.stream() + ": " + e.getMessage(), e);
    }
    return new Chunk(out, next);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    options.close();
    db.release(snapshot);
    onClose.run();
  }
}
