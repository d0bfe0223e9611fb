package io.pxlite.store.index;

import io.pxlite.store.NoSuchVolumeException;
import io.pxlite.store.ReadOnlyViewException;
import io.pxlite.store.StoreIOException;
import io.pxlite.store.Volume;
import io.pxlite.store.VolumeExistsException;
import io.pxlite.store.snapshot.SnapshotRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The volumes and snapshots this store holds, by id (one id space for both), loaded from the
 * {@code volumes} and {@code snapshots} column families at open and kept in step with them after.
 * Lookups are lock-free; adding and removing entries is serialised by the caller.
 */
public final class Catalog {
  private final ConcurrentHashMap<Long, Volume> volumes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, SnapshotRecord> snapshots = new ConcurrentHashMap<>();

  public static Catalog load(IndexDb db) {
    Catalog c = new Catalog();
    db.forEachWithPrefix(db.volumes, new byte[0], (key, value) -> {
      if (key.length != 8 || value.length < 8) {
        throw new StoreIOException("corrupt volume record in the block index");
      }
      long id = BigEndian.getLong(key, 0);
      c.volumes.put(id, new Volume(id, BigEndian.getLong(value, 0), streamOf(value)));
    });
    db.forEachWithPrefix(db.snapshots, new byte[0], (key, value) -> {
      SnapshotRecord s = SnapshotRecord.decode(key, value);
      Volume v = c.volumes.get(s.volumeId());
      if (v == null) {
        throw new StoreIOException("snapshot " + s.id() + " in the block index belongs to volume " + s.volumeId() + ", which it does not hold");
      }
      c.snapshots.put(s.id(), s);
      v.snapshotAdded(s.index());
      v.advanceClock(s.index());
    });
    return c;
  }

  public static byte[] key(long id) {
    return BigEndian.ofLong(id);
  }

  /**
   * A volume record: {@code sizeBytes | stream (UTF-8)}. The stream says which log (replica group)
   * the volume belongs to, so that one group's volumes can be exported and replaced together.
   */
  public static byte[] volumeValue(long sizeBytes, String stream) {
    byte[] name = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] v = new byte[8 + name.length];
    BigEndian.putLong(v, 0, sizeBytes);
    System.arraycopy(name, 0, v, 8, name.length);
    return v;
  }

  /** The stream of a volume record; null for records written before streams were recorded. */
  public static String streamOf(byte[] value) {
    return value.length > 8 ? new String(value, 8, value.length - 8, java.nio.charset.StandardCharsets.UTF_8) : null;
  }

  /** The volumes of one stream. */
  public List<Volume> volumesOf(String stream) {
    return volumes.values().stream().filter(v -> stream.equals(v.stream)).toList();
  }

  public int volumeCount() {
    return volumes.size();
  }

  public Optional<Volume> volume(long id) {
    return Optional.ofNullable(volumes.get(id));
  }

  public Optional<SnapshotRecord> snapshot(long id) {
    return Optional.ofNullable(snapshots.get(id));
  }

  /**
   * The volume a mutation names.
   *
   * @throws ReadOnlyViewException if the id is a snapshot
   * @throws NoSuchVolumeException if it is neither
   */
  public Volume volumeForChange(long id) {
    Volume v = volumes.get(id);
    if (v != null) {
      return v;
    }
    SnapshotRecord s = snapshots.get(id);
    if (s != null) {
      throw new ReadOnlyViewException("id " + id + " is a snapshot of volume " + s.volumeId() + "; snapshots are read-only");
    }
    throw new NoSuchVolumeException("no volume " + id + " in this store");
  }

  /** The snapshot a deleteSnapshot names; @throws NoSuchVolumeException if it is not one. */
  public SnapshotRecord snapshotNamed(long id) {
    SnapshotRecord s = snapshots.get(id);
    if (s != null) {
      return s;
    }
    if (volumes.containsKey(id)) {
      throw new NoSuchVolumeException("id " + id + " is a volume, not a snapshot");
    }
    throw new NoSuchVolumeException("no snapshot " + id + " in this store");
  }

  /** @throws VolumeExistsException if {@code id} already names a volume or snapshot */
  public void checkUnused(long id) {
    if (volumes.containsKey(id)) {
      throw new VolumeExistsException("id " + id + " is already a volume in this store");
    }
    SnapshotRecord s = snapshots.get(id);
    if (s != null) {
      throw new VolumeExistsException("id " + id + " is already a snapshot of volume " + s.volumeId() + " in this store");
    }
  }

  public List<SnapshotRecord> snapshotsOf(long volumeId) {
    return snapshots.values().stream().filter(s -> s.volumeId() == volumeId).toList();
  }

  public void added(Volume v) {
    volumes.put(v.id, v);
  }

  public void added(SnapshotRecord s) {
    snapshots.put(s.id(), s);
  }

  public void removed(SnapshotRecord s) {
    snapshots.remove(s.id(), s);
  }

  public void removed(Volume v) {
    volumes.remove(v.id, v);
    snapshots.values().removeIf(s -> s.volumeId() == v.id);
  }
}
