package io.pxlite.store.device;

import io.pxlite.store.StoreException;
import io.pxlite.store.alloc.SlotAddress;
import io.pxlite.store.index.BigEndian;
import io.pxlite.store.index.IndexDb;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The devices the index knows, kept in the {@code meta} column family: device id (from its label)
 * to the short ordinal that block entries use, and the path it was last seen at (for error messages).
 * Devices are matched by label, not by path, so a device may move between paths across restarts.
 */
public final class DeviceRegistry {
  public record Entry(UUID deviceId, int ordinal, String path) {}

  private static final String PREFIX = "device/";

  private final Map<UUID, Entry> entries = new HashMap<>();

  public static DeviceRegistry load(IndexDb db) {
    DeviceRegistry registry = new DeviceRegistry();
    db.forEachWithPrefix(db.meta, PREFIX.getBytes(StandardCharsets.UTF_8), (key, value) -> {
      UUID id = UUID.fromString(new String(key, StandardCharsets.UTF_8).substring(PREFIX.length()));
      int ordinal = BigEndian.getInt(value, 0);
      String path = new String(value, Integer.BYTES, value.length - Integer.BYTES, StandardCharsets.UTF_8);
      registry.entries.put(id, new Entry(id, ordinal, path));
    });
    return registry;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  Optional<Entry> find(UUID deviceId) {
    return Optional.ofNullable(entries.get(deviceId));
  }

  Collection<Entry> entries() {
    return Collections.unmodifiableCollection(entries.values());
  }

  /** Registers a device the index did not know, under the next free ordinal. */
  Entry register(UUID deviceId, String path) {
    int ordinal = entries.values().stream().mapToInt(Entry::ordinal).max().orElse(-1) + 1;
    if (ordinal > SlotAddress.MAX_ORDINAL) {
      throw new StoreException("the index has no device ordinal left for device " + deviceId + " at " + path);
    }
    Entry e = new Entry(deviceId, ordinal, path);
    entries.put(deviceId, e);
    return e;
  }

  /** Records where a known device was seen this time. */
  Entry seenAt(Entry entry, String path) {
    Entry e = new Entry(entry.deviceId(), entry.ordinal(), path);
    entries.put(e.deviceId(), e);
    return e;
  }

  public static void store(WriteBatch batch, IndexDb db, Entry e) throws RocksDBException {
    byte[] path = e.path().getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[Integer.BYTES + path.length];
    BigEndian.putInt(value, 0, e.ordinal());
    System.arraycopy(path, 0, value, Integer.BYTES, path.length);
    batch.put(db.meta, (PREFIX + e.deviceId()).getBytes(StandardCharsets.UTF_8), value);
  }
}
