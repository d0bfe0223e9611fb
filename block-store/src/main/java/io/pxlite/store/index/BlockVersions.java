package io.pxlite.store.index;

import java.util.Arrays;

/**
 * Stored versions of a run of blocks, in key order (by block, then ascending version), as parallel
 * arrays so that scanning thousands of versions allocates a handful of arrays, not thousands of objects.
 */
public final class BlockVersions {
  private long[] blockNo;
  private long[] version;
  private byte[] kind;
  private long[] address;
  private int[] crc;
  private int size;

  public BlockVersions(int capacity) {
    int c = Math.max(capacity, 4);
    blockNo = new long[c];
    version = new long[c];
    kind = new byte[c];
    address = new long[c];
    crc = new int[c];
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  /** Appends one stored version decoded from its key and value bytes. */
  public void add(byte[] key, byte[] value, int valueLength) {
    byte k = BlockLocation.kind(value, valueLength);
    add(BlockKey.blockNo(key), BlockKey.version(key), k,
        k == BlockLocation.DATA ? BlockLocation.slotAddress(value) : 0,
        k == BlockLocation.DATA ? BlockLocation.crc(value) : 0);
  }

  public void add(long block, long ver, byte k, long addr, int checksum) {
    if (size == version.length) {
      int c = size * 2;
      blockNo = Arrays.copyOf(blockNo, c);
      version = Arrays.copyOf(version, c);
      kind = Arrays.copyOf(kind, c);
      address = Arrays.copyOf(address, c);
      crc = Arrays.copyOf(crc, c);
    }
    blockNo[size] = block;
    version[size] = ver;
    kind[size] = k;
    address[size] = addr;
    crc[size] = checksum;
    size++;
  }

  public long blockNo(int i) {
    return blockNo[i];
  }

  public long version(int i) {
    return version[i];
  }

  /** Drops the entries from {@code newSize} on. */
  public void truncate(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IllegalArgumentException("cannot truncate " + size + " versions to " + newSize);
    }
    size = newSize;
  }

  public byte kind(int i) {
    return kind[i];
  }

  public boolean isData(int i) {
    return kind[i] == BlockLocation.DATA;
  }

  public long address(int i) {
    return address[i];
  }

  public int crc(int i) {
    return crc[i];
  }

  /** The end (exclusive) of the run of entries starting at {@code from} that belong to the same block. */
  public int endOfBlock(int from) {
    int i = from + 1;
    while (i < size && blockNo[i] == blockNo[from]) {
      i++;
    }
    return i;
  }
}
