package io.pxlite.store;

/**
 * A slot on one of the pooled devices packed into a long: the device's ordinal in the top 16 bits,
 * the slot number in the low 48 (enough for 2^48 slots of 4 KiB, far beyond any device).
 */
final class SlotAddress {
  static final int MAX_ORDINAL = 0xFFFF;
  static final long MAX_SLOT = (1L << 48) - 1;

  private SlotAddress() {}

  static long of(int deviceOrdinal, long slot) {
    return ((long) deviceOrdinal << 48) | slot;
  }

  static int ordinal(long address) {
    return (int) (address >>> 48);
  }

  static long slot(long address) {
    return address & MAX_SLOT;
  }
}
