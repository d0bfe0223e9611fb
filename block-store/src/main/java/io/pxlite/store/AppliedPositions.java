package io.pxlite.store;

import io.pxlite.store.index.BigEndian;
import io.pxlite.store.index.IndexDb;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last applied position of every stream, kept in the {@code meta} column family under
 * {@code applied/<stream>} as {@code index | term | part}, and in memory for the per-mutation check.
 */
public final class AppliedPositions {
  private static final String PREFIX = "applied/";

  private final ConcurrentHashMap<String, ApplyPosition> positions = new ConcurrentHashMap<>();
  /** Encoded keys by stream: every mutation writes one, so it is built once per stream. */
  private final ConcurrentHashMap<String, byte[]> keys = new ConcurrentHashMap<>();

  static AppliedPositions load(IndexDb db) {
    AppliedPositions p = new AppliedPositions();
    db.forEachWithPrefix(db.meta, PREFIX.getBytes(StandardCharsets.UTF_8), (key, value) -> {
      String stream = new String(key, StandardCharsets.UTF_8).substring(PREFIX.length());
      // Values written before parts existed are 16 bytes: part 0.
      int part = value.length >= 24 ? (int) (BigEndian.getLong(value, 16)) : 0;
      p.positions.put(stream, new ApplyPosition(stream, BigEndian.getLong(value, 0), BigEndian.getLong(value, 8), part));
    });
    return p;
  }

  ApplyPosition get(String stream) {
    ApplyPosition p = positions.get(stream);
    return p != null ? p : ApplyPosition.none(stream);
  }

  /** Whether a mutation at {@code at} is new, rather than a replay of one already applied. */
  boolean isNew(ApplyPosition at) {
    return at.isAfter(get(at.stream()));
  }

  void forget(String stream) {
    positions.remove(stream);
  }

  public void advanced(ApplyPosition at) {
    positions.put(at.stream(), at);
  }

  public byte[] key(String stream) {
    return keys.computeIfAbsent(stream, s -> (PREFIX + s).getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] value(ApplyPosition at) {
    byte[] v = new byte[24];
    BigEndian.putLong(v, 0, at.index());
    BigEndian.putLong(v, 8, at.term());
    BigEndian.putLong(v, 16, at.part());
    return v;
  }
}
