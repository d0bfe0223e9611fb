package io.pxlite.store.device;

import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open, labelled device and positional I/O on its slots. The first MiB is reserved (the label
 * sits in its first block); slot {@code n} is the 4 KiB at {@code 1 MiB + n * 4 KiB}. Reads and writes
 * are positional, so any number of threads may use one device at once.
 */
public final class Device implements AutoCloseable {
  public static final long RESERVED_BYTES = 1L << 20;
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  private final Path path;
  private final FileChannel channel;
  private final DeviceLabel label;
  private final int ordinal;
  private final long slots;
  /** Tests only: a fault to inject (see {@link DeviceFault}). */
  private volatile DeviceFault fault = DeviceFault.NONE;
  private final java.util.concurrent.atomic.LongAdder ioErrors = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder checksumFailures = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder repairs = new java.util.concurrent.atomic.LongAdder();

  public Device(Path path, FileChannel channel, DeviceLabel label, int ordinal) {
    this.path = path;
    this.channel = channel;
    this.label = label;
    this.ordinal = ordinal;
    this.slots = slotsFor(label.capacityBytes());
  }

  static long slotsFor(long capacityBytes) {
    return Math.max(0, (capacityBytes - RESERVED_BYTES) / BLOCK);
  }

  Path path() {
    return path;
  }

  DeviceLabel label() {
    return label;
  }

  int ordinal() {
    return ordinal;
  }

  long slots() {
    return slots;
  }

  /** A block read from this device did not match its checksum. */
  public void countChecksumFailure() {
    checksumFailures.increment();
  }

  /** A bad block on this device was rewritten from another replica. */
  public void countRepair() {
    repairs.increment();
  }

  long ioErrors() {
    return ioErrors.sum();
  }

  long checksumFailures() {
    return checksumFailures.sum();
  }

  long repairs() {
    return repairs.sum();
  }

  public void injectFault(DeviceFault fault) {
    this.fault = fault == null ? DeviceFault.NONE : fault;
  }

  /** Fills {@code block} (exactly one block remaining; its position is left alone) from a slot. */
  public void readSlot(long slot, ByteBuffer block) {
    ByteBuffer dst = block.duplicate();
    long position = offsetOf(slot);
    try {
      fault.check(path, DeviceFault.Op.READ);
      while (dst.hasRemaining()) {
        int n = channel.read(dst, position);
        if (n < 0) {
          throw new StoreIOException("short read of slot " + slot + " on device " + path + " at byte " + position);
        }
        position += n;
      }
    } catch (IOException e) {
      ioErrors.increment();
      throw new StoreIOException("reading slot " + slot + " of device " + path + " failed: " + e.getMessage(), e);
    }
  }

  /** Writes {@code block} (exactly one block remaining; its position is left alone) into a slot. */
  public void writeSlot(long slot, ByteBuffer block) {
    if (block.remaining() != BLOCK) {
      throw new IllegalArgumentException("a slot holds " + BLOCK + " bytes, not " + block.remaining());
    }
    writeSlots(slot, block);
  }

  /**
   * Writes {@code blocks} (a whole number of blocks remaining; its position is left alone) into
   * consecutive slots from {@code firstSlot}, in one positional write where the OS allows.
   */
  public void writeSlots(long firstSlot, ByteBuffer blocks) {
    if (blocks.remaining() % BLOCK != 0) {
      throw new IllegalArgumentException(blocks.remaining() + " bytes are not a whole number of blocks");
    }
    offsetOf(firstSlot + blocks.remaining() / BLOCK - 1); // the last slot is on the device too
    ByteBuffer src = blocks.duplicate();
    long position = offsetOf(firstSlot);
    try {
      fault.check(path, DeviceFault.Op.WRITE);
      while (src.hasRemaining()) {
        position += channel.write(src, position);
      }
    } catch (IOException e) {
      ioErrors.increment();
      String slots = blocks.remaining() == BLOCK ? "slot " + firstSlot
          : "slots " + firstSlot + ".." + (firstSlot + blocks.remaining() / BLOCK - 1);
      DeviceIOException failure = new DeviceIOException(path, label.deviceId().toString(), "writing " + slots + " of", e);
      throw new StoreIOException(failure.getMessage(), failure);
    }
  }

  /** Makes every completed write durable. */
  public void force() throws IOException {
    try {
      fault.check(path, DeviceFault.Op.SYNC);
      channel.force(false);
    } catch (IOException e) {
      ioErrors.increment();
      throw new DeviceIOException(path, label.deviceId().toString(), "syncing", e);
    }
  }

  private long offsetOf(long slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " outside device " + path + " (" + slots + " slots)");
    }
    return RESERVED_BYTES + slot * BLOCK;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return path + " (device " + label.deviceId() + ")";
  }
}
