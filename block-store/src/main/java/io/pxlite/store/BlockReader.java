package io.pxlite.store;

import io.pxlite.store.alloc.SlotAddress;
import io.pxlite.store.device.Device;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.index.BlockIndex;
import io.pxlite.store.index.BlockVersions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Reads a volume's bytes as of a version limit ({@code Long.MAX_VALUE} for the volume's head, a
 * snapshot's index for a snapshot): per block, the newest version at or below the limit, from its
 * slot, checked against its CRC32C. No version, or a zero marker, reads as zeros.
 */
public final class BlockReader {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  static final ByteBuffer ZEROS = ByteBuffer.allocate(BLOCK).asReadOnlyBuffer();

  private final BlockIndex index;
  private final DevicePool pool;
  private final ReclaimGuard guard;
  private final StoreHealth health;
  private final AtomicLong checksumErrors = new AtomicLong();
  /** Runs between a read's index lookup and its device reads; lets a test hold a read right there. */
  private volatile Runnable afterLookup;

  BlockReader(BlockIndex index, DevicePool pool, ReclaimGuard guard, StoreHealth health) {
    this.index = index;
    this.pool = pool;
    this.guard = guard;
    this.health = health;
  }

  void afterLookupForTest(Runnable hook) {
    afterLookup = hook;
  }

  long checksumErrors() {
    return checksumErrors.get();
  }

  /** Fills {@code dst} (position to limit; positions unchanged) with the range's bytes as of {@code limit}. */
  public void read(long volumeId, long limit, ByteRange range, ByteBuffer dst) {
    if (range.length() == 0) {
      return;
    }
    long first = range.firstBlock();
    long end = range.endBlock();
    guard.enterRead();
    try {
      health.checkOpen();
      BlockVersions found = new BlockVersions((int) Math.min(end - first, 64));
      index.versionsAtOrBelow(volumeId, first, end, limit, found);
      Runnable hook = afterLookup;
      if (hook != null) {
        hook.run();
      }
      int at = dst.position();
      int cursor = 0;
      ByteBuffer partial = null;
      for (long block = first; block < end; block++) {
        long blockStart = block * BLOCK;
        int from = (int) Math.max(0, range.offset() - blockStart);
        int to = (int) Math.min(BLOCK, range.end() - blockStart);
        int n = to - from;
        int head = -1;
        if (cursor < found.size() && found.blockNo(cursor) == block) {
          int next = found.endOfBlock(cursor);
          head = next - 1;
          cursor = next;
        }
        if (head < 0 || !found.isData(head)) {
          dst.put(at, ZEROS, 0, n);
        } else if (n == BLOCK) {
          readVersion(volumeId, block, found.address(head), found.crc(head), dst.slice(at, BLOCK));
        } else {
          if (partial == null) {
            partial = ByteBuffer.allocate(BLOCK);
          }
          readVersion(volumeId, block, found.address(head), found.crc(head), partial);
          dst.put(at, partial, from, n);
        }
        at += n;
      }
    } finally {
      guard.exitRead();
    }
  }

  /**
   * Reads one stored block version into {@code block} (one block remaining, position unchanged) and
   * checks it. On a mismatch the buffer is zeroed, so the bad bytes go nowhere.
   *
   * @throws ChecksumMismatchException naming volume, block, device and slot
   */
  public void readVersion(long volumeId, long blockNo, long slotAddress, int expectedCrc, ByteBuffer block) {
    Device device = pool.device(SlotAddress.ordinal(slotAddress));
    long slot = SlotAddress.slot(slotAddress);
    device.readSlot(slot, block);
    int actual = crc32c(block);
    if (actual != expectedCrc) {
      checksumErrors.incrementAndGet();
      device.countChecksumFailure();
      block.duplicate().put(ZEROS.duplicate());
      throw new ChecksumMismatchException(String.format(
          "block %d of volume %d failed its checksum: device %s slot %d holds CRC32C %08x, the index expects %08x",
          blockNo, volumeId, device, slot, actual, expectedCrc));
    }
  }

  /**
   * Rewrites the newest version of one block from a copy fetched from another replica, if that copy
   * is exactly what the index says the block holds (same CRC32C): so a copy of a different version
   * can never be written in, and a block that is fine is left alone.
   *
   * @return whether the slot was rewritten
   */
  boolean repair(long volumeId, long blockNo, ByteBuffer good) throws IOException {
    if (good.remaining() != BLOCK) {
      throw new IllegalArgumentException("a repair copy is one block, got " + good.remaining() + " bytes");
    }
    guard.enterRead();
    try {
      health.checkOpen();
      BlockVersions found = new BlockVersions(1);
      index.versionsAtOrBelow(volumeId, blockNo, blockNo + 1, Long.MAX_VALUE, found);
      if (found.size() == 0) {
        return false;
      }
      int head = found.endOfBlock(0) - 1;
      if (!found.isData(head) || crc32c(good) != found.crc(head)) {
        return false;
      }
      ByteBuffer current = ByteBuffer.allocate(BLOCK);
      Device device = pool.device(SlotAddress.ordinal(found.address(head)));
      long slot = SlotAddress.slot(found.address(head));
      device.readSlot(slot, current);
      if (crc32c(current) == found.crc(head)) {
        return false;
      }
      device.writeSlot(slot, good.duplicate());
      device.force();
      device.countRepair();
      return true;
    } finally {
      guard.exitRead();
    }
  }

  public static int crc32c(ByteBuffer block) {
    CRC32C crc = new CRC32C();
    crc.update(block.duplicate());
    return (int) crc.getValue();
  }

  /** The data and hole runs of the range as of {@code limit}, merged and clipped to the range. */
  public List<Extent> allocation(long volumeId, long limit, ByteRange range) {
    List<Extent> runs = new ArrayList<>();
    if (range.length() == 0) {
      return runs;
    }
    BlockVersions found = new BlockVersions((int) Math.min(range.endBlock() - range.firstBlock(), 64));
    guard.enterRead(); // not for slots: so that the index cannot close under the scan
    try {
      health.checkOpen();
      index.versionsAtOrBelow(volumeId, range.firstBlock(), range.endBlock(), limit, found);
    } finally {
      guard.exitRead();
    }
    long covered = range.offset();
    for (int i = 0; i < found.size(); ) {
      int next = found.endOfBlock(i);
      if (found.isData(next - 1)) {
        long start = Math.max(range.offset(), found.blockNo(i) * BLOCK);
        long stop = Math.min(range.end(), start - start % BLOCK + BLOCK);
        append(runs, covered, start, true);
        append(runs, start, stop, false);
        covered = stop;
      }
      i = next;
    }
    append(runs, covered, range.end(), true);
    return runs;
  }

  private static void append(List<Extent> runs, long from, long to, boolean hole) {
    if (to <= from) {
      return;
    }
    int last = runs.size() - 1;
    if (last >= 0 && runs.get(last).hole() == hole && runs.get(last).offset() + runs.get(last).length() == from) {
      Extent e = runs.get(last);
      runs.set(last, new Extent(e.offset(), to - e.offset(), hole));
    } else {
      runs.add(new Extent(from, to - from, hole));
    }
  }
}
