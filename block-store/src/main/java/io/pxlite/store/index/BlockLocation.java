package io.pxlite.store.index;

import io.pxlite.store.StoreIOException;
import io.pxlite.store.alloc.SlotAddress;

/**
 * The value of a block key: either where the version's payload lives and its CRC32C, or a zero
 * marker (this version reads as zeros; needed only while a snapshot still reads an older version).
 *
 * <pre>
 *   data:  0x01 | deviceOrdinal (2) | slot (8) | crc32c (4)   = 15 bytes
 *   zero:  0x02                                              =  1 byte
 * </pre>
 */
public final class BlockLocation {
  public static final byte DATA = 1;
  public static final byte ZERO = 2;
  public static final int DATA_LENGTH = 15;
  public static final byte[] ZERO_MARKER = {ZERO};

  private BlockLocation() {}

  public static byte[] data(long slotAddress, int crc) {
    byte[] v = new byte[DATA_LENGTH];
    v[0] = DATA;
    BigEndian.putShort(v, 1, SlotAddress.ordinal(slotAddress));
    BigEndian.putLong(v, 3, SlotAddress.slot(slotAddress));
    BigEndian.putInt(v, 11, crc);
    return v;
  }

  /** The kind byte, validating the length that kind must have. */
  public static byte kind(byte[] value, int length) {
    if (length == DATA_LENGTH && value[0] == DATA) {
      return DATA;
    }
    if (length == 1 && value[0] == ZERO) {
      return ZERO;
    }
    throw new StoreIOException("corrupt block index value: kind " + value[0] + ", " + length + " bytes");
  }

  public static long slotAddress(byte[] value) {
    return SlotAddress.of(BigEndian.getUnsignedShort(value, 1), BigEndian.getLong(value, 3));
  }

  public static int crc(byte[] value) {
    return BigEndian.getInt(value, 11);
  }
}
