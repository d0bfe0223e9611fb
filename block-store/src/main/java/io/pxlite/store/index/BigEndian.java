package io.pxlite.store.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian fixed-width integers in byte arrays: the byte order that makes RocksDB keys sort numerically. */
public final class BigEndian {
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  private BigEndian() {}

  public static long getLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  public static void putLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  public static int getInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  public static void putInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  public static int getUnsignedShort(byte[] b, int off) {
    return Short.toUnsignedInt((short) SHORT.get(b, off));
  }

  public static void putShort(byte[] b, int off, int v) {
    SHORT.set(b, off, (short) v);
  }

  static byte[] ofLong(long v) {
    byte[] b = new byte[Long.BYTES];
    putLong(b, 0, v);
    return b;
  }
}
