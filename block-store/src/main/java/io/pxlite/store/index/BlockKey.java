package io.pxlite.store.index;

/**
 * The key of one version of one block in the {@code blocks} column family:
 * {@code volumeId | blockNo | version}, each 8 bytes big-endian. All versions of a block are
 * adjacent and ascend by version, so "the newest version at or below L" is one {@code seekForPrev}
 * and all blocks of a volume form one contiguous key range.
 */
public final class BlockKey {
  public static final int LENGTH = 24;
  /** volumeId | blockNo: the prefix the bloom filters are built on. */
  static final int PREFIX_LENGTH = 16;

  private BlockKey() {}

  public static byte[] of(long volumeId, long blockNo, long version) {
    byte[] key = new byte[LENGTH];
    set(key, volumeId, blockNo, version);
    return key;
  }

  static void set(byte[] key, long volumeId, long blockNo, long version) {
    BigEndian.putLong(key, 0, volumeId);
    BigEndian.putLong(key, 8, blockNo);
    BigEndian.putLong(key, 16, version);
  }

  public static long volumeId(byte[] key) {
    return BigEndian.getLong(key, 0);
  }

  public static long blockNo(byte[] key) {
    return BigEndian.getLong(key, 8);
  }

  public static long version(byte[] key) {
    return BigEndian.getLong(key, 16);
  }

  /** A key past every key of {@code volumeId}, for range deletes: longer than 24 bytes, so it sorts after them all. */
  public static byte[] endOfVolume(long volumeId) {
    byte[] key = new byte[LENGTH + 1];
    BigEndian.putLong(key, 0, volumeId);
    for (int i = 8; i < key.length; i++) {
      key[i] = (byte) 0xFF;
    }
    return key;
  }
}
