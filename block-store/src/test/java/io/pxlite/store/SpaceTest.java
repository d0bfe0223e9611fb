package io.pxlite.store;

import io.pxlite.store.device.DeviceAdmission;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceUsage;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.read;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpaceTest {
  @TempDir Path dir;

  @Test
  void runningOutOfSpaceFailsTheWriteAndChangesNothing() {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = DeviceAdmission.MIN_BYTES; // 16 slots
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 1, MIB);
      store.write(fx.next(), 1, 0, random(1, 15 * BLOCK));
      ApplyPosition before = store.applied(StoreFixture.STREAM);

      assertThatThrownBy(() -> store.write(fx.next(), 1, 15 * BLOCK, random(2, 2 * BLOCK)))
          .isInstanceOf(OutOfSpaceException.class)
          .hasMessageContaining("2 blocks")
          .hasMessageContaining("1 free");
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(before);
      assertThat(read(store, 1, 15 * BLOCK, 2 * BLOCK)).containsOnly(0);
      assertThat(store.usage(1).liveBytes()).isEqualTo(15 * BLOCK);
      assertThat(StoreFixture.deviceUsed(store)).isEqualTo(15 * BLOCK);

      store.recordApplied(fx.next());
      store.write(fx.next(), 1, 15 * BLOCK, random(3, BLOCK)); // the one free slot is still there
      assertThat(StoreFixture.deviceUsed(store)).isEqualTo(16 * BLOCK);
      assertThat(read(store, 1, 0, 16 * BLOCK)).startsWith(bytes(random(1, 15 * BLOCK)));
    }
  }

  @Test
  void trimmedSpaceIsReusableAfterACheckpointEvenWhenFull() {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = DeviceAdmission.MIN_BYTES;
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 1, MIB);
      store.write(fx.next(), 1, 0, random(1, 16 * BLOCK));
      store.zero(fx.next(), 1, 0, 8 * BLOCK);
      assertThat(StoreFixture.deviceUsed(store)).isEqualTo(8 * BLOCK);
      store.write(fx.next(), 1, 0, random(2, 8 * BLOCK));
      assertThat(StoreFixture.deviceUsed(store)).isEqualTo(16 * BLOCK);
      assertThat(read(store, 1, 0, 8 * BLOCK)).isEqualTo(bytes(random(2, 8 * BLOCK)));
    }
  }

  @Test
  void writesSpreadOverTheDeviceWithTheMostFreeSlots() {
    StoreFixture fx = new StoreFixture(dir);
    Path small = dir.resolve("small.img");
    Path large = dir.resolve("large.img");
    StoreConfig config = new StoreConfig(fx.indexDir,
        List.of(new DeviceConfig(small, MIB + 32 * BLOCK), new DeviceConfig(large, MIB + 64 * BLOCK)), "c", "n", false);
    try (BlockStore store = BlockStore.open(config)) {
      store.createVolume(fx.next(), 1, MIB);
      store.write(fx.next(), 1, 0, random(1, 40 * BLOCK));
      List<DeviceUsage> devices = store.devices();
      assertThat(devices).extracting(DeviceUsage::path).containsExactly(small, large);
      assertThat(devices.get(0).usedBytes()).isEqualTo(4 * BLOCK);
      assertThat(devices.get(1).usedBytes()).isEqualTo(36 * BLOCK);
      assertThat(read(store, 1, 0, 40 * BLOCK)).isEqualTo(bytes(random(1, 40 * BLOCK)));
    }
    try (BlockStore store = BlockStore.open(config)) {
      assertThat(store.devices()).extracting(DeviceUsage::usedBytes).containsExactly(4L * BLOCK, 36L * BLOCK);
      assertThat(store.usage(1).liveBytes()).isEqualTo(40 * BLOCK);
    }
  }
}
