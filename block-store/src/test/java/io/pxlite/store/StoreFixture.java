package io.pxlite.store;

import io.pxlite.store.device.Device;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceUsage;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Opens stores on files in a test's temporary directory and makes test data. */
public final class StoreFixture {
  static final int BLOCK = BlockStore.BLOCK_SIZE;
  static final String STREAM = "group-1";
  static final long MIB = 1L << 20;

  final Path dir;
  final Path indexDir;
  final Path device;
  long deviceBytes = 16 * MIB;
  String clusterId = "cluster-a";
  String nodeId = "node-1";
  boolean force;
  private long index;

  StoreFixture(Path dir) {
    this.dir = dir;
    this.indexDir = dir.resolve("index");
    this.device = dir.resolve("device0.img");
  }

  StoreConfig config() {
    return new StoreConfig(indexDir, List.of(new DeviceConfig(device, deviceBytes)), clusterId, nodeId, force);
  }

  BlockStore open() {
    return BlockStore.open(config());
  }

  /** The next position of the test stream. */
  ApplyPosition next() {
    return new ApplyPosition(STREAM, ++index, 1);
  }

  /** Makes {@link #next} continue after {@code i}, as a log replay would. */
  void rewindTo(long i) {
    index = i;
  }

  static ApplyPosition at(long index) {
    return new ApplyPosition(STREAM, index, 1);
  }

  static ByteBuffer random(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return ByteBuffer.wrap(b);
  }

  static ByteBuffer filled(int value, int length) {
    byte[] b = new byte[length];
    java.util.Arrays.fill(b, (byte) value);
    return ByteBuffer.wrap(b);
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  static byte[] read(BlockStore store, long id, long offset, int length) {
    ByteBuffer dst = ByteBuffer.allocate(length);
    store.view(id).read(offset, dst);
    assertThat(dst.position()).as("read leaves the buffer position alone").isZero();
    return dst.array();
  }

  static long deviceUsed(BlockStore store) {
    return store.devices().stream().mapToLong(DeviceUsage::usedBytes).sum();
  }

  /** Slot numbers holding {@code pattern} at their start, found by scanning the device file. */
  static List<Long> slotsHolding(Path device, byte[] pattern) throws IOException {
    byte[] all = Files.readAllBytes(device);
    java.util.ArrayList<Long> slots = new java.util.ArrayList<>();
    for (long off = Device.RESERVED_BYTES; off + BLOCK <= all.length; off += BLOCK) {
      if (java.util.Arrays.equals(all, (int) off, (int) off + pattern.length, pattern, 0, pattern.length)) {
        slots.add((off - Device.RESERVED_BYTES) / BLOCK);
      }
    }
    return slots;
  }
}
