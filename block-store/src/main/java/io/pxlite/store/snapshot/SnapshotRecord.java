package io.pxlite.store.snapshot;

import io.pxlite.store.StoreIOException;
import io.pxlite.store.index.BigEndian;

/**
 * A snapshot: the volume it froze, the version index it reads at, and the volume's size then.
 * Stored in the {@code snapshots} column family as {@code volumeId | index | sizeBytes}.
 */
public record SnapshotRecord(long id, long volumeId, long index, long sizeBytes) {
  public byte[] encodeValue() {
    byte[] v = new byte[24];
    BigEndian.putLong(v, 0, volumeId);
    BigEndian.putLong(v, 8, index);
    BigEndian.putLong(v, 16, sizeBytes);
    return v;
  }

  public static SnapshotRecord decode(byte[] key, byte[] value) {
    if (key.length != 8 || value.length != 24) {
      throw new StoreIOException("corrupt snapshot record in the block index");
    }
    return new SnapshotRecord(BigEndian.getLong(key, 0), BigEndian.getLong(value, 0),
        BigEndian.getLong(value, 8), BigEndian.getLong(value, 16));
  }
}
