package org.apache.ratis.util;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * pxlite's stand-in for Ratis' class of this name: the same CRC32C (Castagnoli) checksum, computed
 * by the JDK's {@link CRC32C}, which the JIT turns into the CPU's CRC32 instructions.
 *
 * <p>Why: Ratis 3.2.2 hard-codes its table-driven pure-Java version for the checksum of every Raft
 * log entry it writes ({@code SegmentedRaftLogOutputStream}) and reads back ({@code
 * SegmentedRaftLogReader}), with no setting to choose another; every write payload is in a log entry,
 * so that checksum was 28-48% of a node's CPU samples under fio. The values are the same bit for bit
 * ({@code RaftLogChecksumTest} compares this class with Ratis' own, loaded from its jar), so logs
 * written with either read back with either.
 *
 * <p>How: a class of the same name earlier on the class path wins; {@code bin/pxlite-node} and the
 * test launchers put journal's jar first. Should Ratis' own be loaded instead, everything works, only
 * slower, and the node says so when it starts ({@link io.pxlite.journal.RatisStandIns}).
 *
 * <p>Keeps the contract of Ratis' class: {@link #update(ByteBuffer)} does not move the buffer's
 * position.
 */
public class PureJavaCrc32C implements Checksum {
  private final CRC32C crc = new CRC32C();

  public PureJavaCrc32C() {}

  @Override
  public long getValue() {
    return crc.getValue();
  }

  @Override
  public void reset() {
    crc.reset();
  }

  @Override
  public void update(byte[] b, int off, int len) {
    crc.update(b, off, len);
  }

  /** Adds the bytes between the buffer's position and limit, leaving its position where it was. */
  @Override
  public void update(ByteBuffer b) {
    int position = b.position();
    crc.update(b);
    b.position(position);
  }

  @Override
  public final void update(int b) {
    crc.update(b);
  }
}
