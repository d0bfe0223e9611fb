package io.pxlite.store.alloc;

/**
 * A slot on one of the pooled devices packed into a long: the device's ordinal in the top 16 bits,
 * the slot number in the low 48 (enough for 2^48 slots of 4 KiB, far beyond any device).
 */
public final class SlotAddress {
  public static final int MAX_ORDINAL = 0xFFFF;
  static final long MAX_SLOT = (1L << 48) - 1;

  private SlotAddress() {}

  public static long of(int deviceOrdinal, long slot) {
    return ((long) deviceOrdinal << 48) | slot;
  }

  public static int ordinal(long address) {
    return (int) (address >>> 48);
  }

  public static long slot(long address) {
    return address & MAX_SLOT;
  }
}
