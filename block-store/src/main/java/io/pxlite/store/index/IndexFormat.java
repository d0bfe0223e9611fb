package io.pxlite.store.index;

import io.pxlite.store.StoreException;
import io.pxlite.store.StoreIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The layout version of the index, kept in the {@code meta} column family, so that a future layout
 * change is detected instead of misread. A new index is stamped with the current version.
 */
public final class IndexFormat {
  static final int VERSION = 1;
  private static final byte[] KEY = "format".getBytes(StandardCharsets.UTF_8);

  private IndexFormat() {}

  public static void check(IndexDb db, Path dir) {
    byte[] stored = db.get(db.meta, KEY);
    if (stored == null) {
      try (WriteBatch batch = new WriteBatch()) {
        byte[] v = new byte[Integer.BYTES];
        BigEndian.putInt(v, 0, VERSION);
        batch.put(db.meta, KEY, v);
        db.write(batch);
      } catch (RocksDBException e) {
        throw new StoreIOException("stamping the index format failed: " + e.getMessage(), e);
      }
      return;
    }
    int version = stored.length == Integer.BYTES ? BigEndian.getInt(stored, 0) : -1;
    if (version != VERSION) {
      throw new StoreException("the index at " + dir + " has format " + version + "; this pxlite reads format " + VERSION);
    }
  }
}
