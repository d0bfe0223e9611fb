package io.pxlite.store;

import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.read;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceUsage;
import io.pxlite.store.device.ForeignDeviceException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceAdmissionTest {
  @TempDir Path dir;

  @Test
  void aMissingFileIsCreatedSparseAndLabelled() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = 1L << 30;
    try (BlockStore store = fx.open()) {
      List<DeviceUsage> devices = store.devices();
      assertThat(devices).hasSize(1);
      assertThat(devices.get(0).capacityBytes()).isEqualTo((1L << 30) - MIB);
      assertThat(devices.get(0).usedBytes()).isZero();
      assertThat(devices.get(0).path()).isEqualTo(fx.device);
    }
    assertThat(Files.size(fx.device)).isEqualTo(1L << 30);
    Process stat = new ProcessBuilder("stat", "-c", "%b %B", fx.device.toString()).start();
    String[] blocks = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
    assertThat(stat.waitFor()).isZero();
    assertThat(Long.parseLong(blocks[0]) * Long.parseLong(blocks[1])).as("allocated bytes: sparse").isLessThan(MIB);
    try (java.io.InputStream in = Files.newInputStream(fx.device)) {
      assertThat(new String(in.readNBytes(8), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PXLITEDV");
    }
  }

  @Test
  void aTooSmallDeviceIsRefusedByPath() {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = MIB + 4 * BLOCK;
    assertThatThrownBy(fx::open).isInstanceOf(StoreException.class).hasMessageContaining(fx.device.toString());
    assertThat(fx.device).doesNotExist();
  }

  private static byte[] readDevice(Path device) {
    try {
      return Files.readAllBytes(device);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aDeviceOfAnotherClusterIsRefusedUnlessForced() {
    StoreFixture theirs = new StoreFixture(dir);
    theirs.clusterId = "cluster-b";
    theirs.nodeId = "node-9";
    try (BlockStore store = theirs.open()) {
      store.createVolume(theirs.next(), 1, MIB);
    }
    byte[] theirLabel = java.util.Arrays.copyOf(readDevice(theirs.device), BLOCK);
    StoreConfig config = new StoreConfig(dir.resolve("our-index"), List.of(new DeviceConfig(theirs.device, 0)),
        "cluster-a", "node-1", false);
    assertThatThrownBy(() -> BlockStore.open(config))
        .isInstanceOf(ForeignDeviceException.class)
        .hasMessageContaining(theirs.device.toString())
        .hasMessageContaining("cluster-b")
        .hasMessageContaining("node-9")
        .hasMessageContaining("cluster-a")
        .hasMessageContaining("node-1");
    assertThat(java.util.Arrays.copyOf(readDevice(theirs.device), BLOCK)).as("refusing writes nothing").isEqualTo(theirLabel);

    StoreConfig forced = new StoreConfig(config.indexDir(), config.devices(), "cluster-a", "node-1", true);
    try (BlockStore store = BlockStore.open(forced)) {
      assertThat(store.hasVolume(1)).isFalse();
      store.createVolume(StoreFixture.at(1), 5, MIB);
      store.write(StoreFixture.at(2), 5, 0, random(1, BLOCK));
    }
    try (BlockStore store = BlockStore.open(config)) {
      assertThat(read(store, 5, 0, BLOCK)).as("now ours: opens without force").isEqualTo(bytes(random(1, BLOCK)));
    }
  }

  @Test
  void aDeviceHoldingAnExt4FilesystemIsRefusedUnlessForced() throws Exception {
    Path image = dir.resolve("ext4.img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(32 * MIB);
    }
    Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", image.toString()).redirectErrorStream(true).start();
    assertThat(mkfs.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfs.exitValue()).as(new String(mkfs.getInputStream().readAllBytes())).isZero();

    StoreConfig config = new StoreConfig(dir.resolve("index"), List.of(new DeviceConfig(image, 0)), "c", "n", false);
    assertThatThrownBy(() -> BlockStore.open(config))
        .isInstanceOf(ForeignDeviceException.class)
        .hasMessageContaining(image.toString())
        .hasMessageContaining("ext2/ext3/ext4 filesystem");
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(image), 2048);
    assertThat(head[1080] & 0xFF).as("the filesystem is untouched").isEqualTo(0x53);

    try (BlockStore store = BlockStore.open(new StoreConfig(config.indexDir(), config.devices(), "c", "n", true))) {
      assertThat(store.devices().get(0).capacityBytes()).isEqualTo(31 * MIB);
    }
  }

  @Test
  void unrecognisedDataIsRefusedToo() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    try (RandomAccessFile f = new RandomAccessFile(fx.device.toFile(), "rw")) {
      f.setLength(8 * MIB);
      f.seek(40_000);
      f.write(new byte[] {1, 2, 3});
    }
    assertThatThrownBy(fx::open).isInstanceOf(ForeignDeviceException.class).hasMessageContaining("holds data");
  }

  @Test
  void aDeviceTheIndexNeedsCannotGoMissing() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    Path second = dir.resolve("device1.img");
    StoreConfig two = new StoreConfig(fx.indexDir,
        List.of(new DeviceConfig(fx.device, 8 * MIB), new DeviceConfig(second, 8 * MIB)), "c", "n", false);
    try (BlockStore store = BlockStore.open(two)) {
      assertThat(store.devices()).hasSize(2);
    }
    StoreConfig one = new StoreConfig(fx.indexDir, List.of(new DeviceConfig(fx.device, 0)), "c", "n", false);
    assertThatThrownBy(() -> BlockStore.open(one))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(second.toString());

    // Devices are found by label, not by path.
    Path moved = dir.resolve("moved.img");
    Files.move(second, moved);
    StoreConfig renamed = new StoreConfig(fx.indexDir,
        List.of(new DeviceConfig(moved, 0), new DeviceConfig(fx.device, 0)), "c", "n", false);
    try (BlockStore store = BlockStore.open(renamed)) {
      assertThat(store.devices()).extracting(DeviceUsage::path).containsExactlyInAnyOrder(moved, fx.device);
    }
  }

  @Test
  void aDeviceLabelledForThisNodeButUnknownToTheIndexIsRefusedUnlessForced() {
    StoreFixture fx = new StoreFixture(dir);
    Path stray = dir.resolve("stray.img");
    try (BlockStore other = BlockStore.open(new StoreConfig(dir.resolve("old-index"),
        List.of(new DeviceConfig(stray, 8 * MIB)), fx.clusterId, fx.nodeId, false))) {
      assertThat(other.devices()).hasSize(1);
    }
    try (BlockStore store = fx.open()) {
      assertThat(store.devices()).hasSize(1);
    }
    StoreConfig withStray = new StoreConfig(fx.indexDir,
        List.of(new DeviceConfig(fx.device, 0), new DeviceConfig(stray, 0)), fx.clusterId, fx.nodeId, false);
    assertThatThrownBy(() -> BlockStore.open(withStray))
        .isInstanceOf(ForeignDeviceException.class)
        .hasMessageContaining(stray.toString())
        .hasMessageContaining("does not know it");
    try (BlockStore store = BlockStore.open(new StoreConfig(fx.indexDir, withStray.devices(), fx.clusterId, fx.nodeId, true))) {
      assertThat(store.devices()).hasSize(2);
    }
  }

  @Test
  void theSameDeviceTwiceIsRefused() {
    StoreFixture fx = new StoreFixture(dir);
    try (BlockStore store = fx.open()) {
      assertThat(store.devices()).hasSize(1);
    }
    StoreConfig twice = new StoreConfig(fx.indexDir,
        List.of(new DeviceConfig(fx.device, 0), new DeviceConfig(dir.resolve(".").resolve("device0.img"), 0)), "cluster-a", "node-1", false);
    assertThatThrownBy(() -> BlockStore.open(twice)).isInstanceOf(StoreException.class).hasMessageContaining("twice");
  }
}
