package io.pxlite.store;

import io.pxlite.store.device.Device;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {
  @TempDir Path dir;

  @Test
  void aCorruptedSlotFailsItsReadAndIsCounted() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    ByteBuffer good = random(1, BLOCK);
    ByteBuffer victim = random(2, BLOCK);
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 7, MIB);
      store.write(fx.next(), 7, 0, good);
      store.write(fx.next(), 7, 5 * BLOCK, victim);
    }
    List<Long> slots = StoreFixture.slotsHolding(fx.device, java.util.Arrays.copyOf(bytes(victim), 64));
    assertThat(slots).hasSize(1);
    long slot = slots.get(0);
    try (FileChannel ch = FileChannel.open(fx.device, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes(victim)[1000]}), Device.RESERVED_BYTES + slot * BLOCK + 1000);
    }

    try (BlockStore store = fx.open()) {
      assertThat(store.checksumErrors()).isZero();
      ByteBuffer dst = ByteBuffer.allocate(6 * BLOCK);
      assertThatThrownBy(() -> store.view(7).read(0, dst))
          .isInstanceOf(ChecksumMismatchException.class)
          .hasMessageContaining("block 5 of volume 7")
          .hasMessageContaining("slot " + slot)
          .hasMessageContaining(fx.device.toString());
      assertThat(store.checksumErrors()).isOne();
      assertThat(java.util.Arrays.copyOfRange(dst.array(), 5 * BLOCK, 6 * BLOCK))
          .as("the bad bytes are not handed out").containsOnly(0);

      assertThatThrownBy(() -> store.view(7).read(5 * BLOCK + 10, ByteBuffer.allocate(10)))
          .isInstanceOf(ChecksumMismatchException.class);
      assertThat(store.checksumErrors()).isEqualTo(2);

      // A partial write into the bad block cannot merge and changes nothing.
      ApplyPosition before = store.applied(StoreFixture.STREAM);
      assertThatThrownBy(() -> store.write(fx.next(), 7, 5 * BLOCK + 1, random(3, 10)))
          .isInstanceOf(ChecksumMismatchException.class);
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(before);

      // Other blocks still read, and a whole-block overwrite heals the bad one.
      assertThat(StoreFixture.read(store, 7, 0, BLOCK)).isEqualTo(bytes(good));
      store.write(fx.next(), 7, 5 * BLOCK, good);
      assertThat(StoreFixture.read(store, 7, 5 * BLOCK, BLOCK)).isEqualTo(bytes(good));
    }
  }

  @Test
  void aDamagedBlockIsRepairedOnlyFromACopyWithTheRecordedChecksum() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    ByteBuffer victim = random(4, BLOCK);
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 7, MIB);
      store.write(fx.next(), 7, 3 * BLOCK, victim);
      assertThat(store.repairBlock(7, 3 * BLOCK, victim.duplicate())).as("a healthy block is left alone").isFalse();
    }
    long slot = StoreFixture.slotsHolding(fx.device, java.util.Arrays.copyOf(bytes(victim), 64)).get(0);
    try (FileChannel ch = FileChannel.open(fx.device, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes(victim)[7]}), Device.RESERVED_BYTES + slot * BLOCK + 7);
    }
    try (BlockStore store = fx.open()) {
      assertThatThrownBy(() -> store.view(7).read(3 * BLOCK, ByteBuffer.allocate(BLOCK)))
          .isInstanceOf(ChecksumMismatchException.class);
      assertThat(store.repairBlock(7, 3 * BLOCK, random(5, BLOCK))).as("a copy of other bytes is refused").isFalse();
      assertThat(store.repairBlock(7, 4 * BLOCK, victim.duplicate())).as("a block never written").isFalse();
      assertThat(store.repairBlock(7, 3 * BLOCK, victim.duplicate())).isTrue();
      assertThat(StoreFixture.read(store, 7, 3 * BLOCK, BLOCK)).isEqualTo(bytes(victim));
    }
    try (BlockStore store = fx.open()) {
      assertThat(StoreFixture.read(store, 7, 3 * BLOCK, BLOCK)).as("the repair is on the device").isEqualTo(bytes(victim));
    }
  }
}
