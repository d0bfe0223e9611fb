package io.pxlite.node.it;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The content a checker writes into a 4 KiB block: it says which block and which version it is, and
 * carries a checksum, so a read can tell a whole record from a torn or misplaced one.
 */
public final class BlockRecord {
  public static final int SIZE = 4096;
  private static final long MAGIC = 0x5058_4c49_5445_4231L;

  private BlockRecord() {}

  public static ByteBuffer encode(long block, long version) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(MAGIC).putLong(block).putLong(version);
    SplittableRandom fill = new SplittableRandom(block * 1_000_003L + version);
    while (b.remaining() > Long.BYTES) {
      b.putLong(fill.nextLong());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, SIZE - Long.BYTES);
    b.putLong(crc.getValue());
    return b.flip();
  }

  /** The version a block holds: 0 for an all-zero (never written) block. */
  public static long versionOf(long block, ByteBuffer content) {
    ByteBuffer b = content.duplicate();
    boolean zero = true;
    while (b.hasRemaining()) {
      if (b.get() != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return 0;
    }
    b = content.duplicate();
    if (b.getLong(0) != MAGIC) {
      throw new AssertionError("block " + block + " holds no record (torn or foreign data)");
    }
    long holds = b.getLong(8);
    long version = b.getLong(16);
    CRC32C crc = new CRC32C();
    byte[] bytes = new byte[SIZE];
    b.get(0, bytes);
    crc.update(bytes, 0, SIZE - Long.BYTES);
    if (crc.getValue() != b.getLong(SIZE - Long.BYTES)) {
      throw new AssertionError("block " + block + " is torn: its record fails its checksum");
    }
    if (holds != block) {
      throw new AssertionError("block " + block + " holds the record of block " + holds);
    }
    return version;
  }
}
