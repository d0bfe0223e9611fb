package io.pxlite.store.alloc;

import io.pxlite.store.BlockStore;
import io.pxlite.store.device.Device;
import io.pxlite.store.device.DeviceLabel;
import io.pxlite.store.device.DevicePool;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotRunsTest {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  private static final long DEVICE_BYTES = 16L << 20;

  @TempDir Path dir;
  private DevicePool pool;
  private Device device;

  @BeforeEach
  void openDevice() throws Exception {
    Path file = dir.resolve("device0.img");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(DEVICE_BYTES);
    }
    DeviceLabel label = new DeviceLabel("c", "n", UUID.randomUUID(), DEVICE_BYTES);
    device = new Device(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), label, 0);
    pool = new DevicePool(List.of(device));
  }

  @AfterEach
  void close() throws Exception {
    pool.close();
  }

  @Test
  void aMebibyteInConsecutiveSlotsIsOneDeviceWriteStraightFromItsSource() {
    ByteBuffer data = random(256 * BLOCK, 1).asReadOnlyBuffer();
    SlotRuns runs = new SlotRuns(pool, 256);
    for (int i = 0; i < 256; i++) {
      runs.add(SlotAddress.of(0, 10 + i), data, i * BLOCK);
    }
    assertThat(runs.runs()).isOne();
    runs.writeAll();
    for (int i = 0; i < 256; i++) {
      assertThat(slot(10 + i)).isEqualTo(data.slice(i * BLOCK, BLOCK));
    }
  }

  @Test
  void aGapInTheSlotsStartsANewRun() {
    ByteBuffer data = random(4 * BLOCK, 2);
    SlotRuns runs = new SlotRuns(pool, 4);
    runs.add(SlotAddress.of(0, 1), data, 0);
    runs.add(SlotAddress.of(0, 2), data, BLOCK);
    runs.add(SlotAddress.of(0, 7), data, 2 * BLOCK);
    runs.add(SlotAddress.of(0, 8), data, 3 * BLOCK);
    assertThat(runs.runs()).isEqualTo(2);
    runs.writeAll();
    assertThat(slot(1)).isEqualTo(data.slice(0, BLOCK));
    assertThat(slot(2)).isEqualTo(data.slice(BLOCK, BLOCK));
    assertThat(slot(7)).isEqualTo(data.slice(2 * BLOCK, BLOCK));
    assertThat(slot(8)).isEqualTo(data.slice(3 * BLOCK, BLOCK));
  }

  @Test
  void blocksFromDifferentBuffersInConsecutiveSlotsAreCopiedIntoOneRun() {
    ByteBuffer merged = random(BLOCK, 3); // a partial block merged with what was stored
    ByteBuffer whole = random(3 * BLOCK, 4);
    SlotRuns runs = new SlotRuns(pool, 3);
    runs.add(SlotAddress.of(0, 20), merged, 0);
    runs.add(SlotAddress.of(0, 21), whole, 2 * BLOCK); // out of source order: must still be copied
    runs.add(SlotAddress.of(0, 22), whole, BLOCK);
    assertThat(runs.runs()).isOne();
    runs.writeAll();
    assertThat(slot(20)).isEqualTo(merged);
    assertThat(slot(21)).isEqualTo(whole.slice(2 * BLOCK, BLOCK));
    assertThat(slot(22)).isEqualTo(whole.slice(BLOCK, BLOCK));
  }

  private ByteBuffer slot(long slot) {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    device.readSlot(slot, block);
    return block;
  }

  private static ByteBuffer random(int bytes, long seed) {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return ByteBuffer.wrap(b);
  }
}
