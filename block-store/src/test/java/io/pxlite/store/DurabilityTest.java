package io.pxlite.store;

import io.pxlite.store.device.Device;
import io.pxlite.store.device.DeviceAdmission;
import io.pxlite.store.device.DeviceLabel;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.device.DeviceSyncListener;
import io.pxlite.store.index.IndexDb;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.at;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.read;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

class DurabilityTest {
  @TempDir Path dir;

  @Test
  void aPositionAlreadyAppliedIsANoOp() {
    StoreFixture fx = new StoreFixture(dir);
    try (BlockStore store = fx.open()) {
      store.createVolume(at(1), 1, MIB);
      store.write(at(2), 1, 0, random(1, BLOCK));
      store.write(at(2), 1, 0, random(2, BLOCK));
      store.write(at(1), 1, 0, random(3, BLOCK));
      store.createVolume(at(1), 1, 2 * MIB);
      store.recordApplied(at(2));
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(at(2));
      assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(random(1, BLOCK)));
      assertThat(store.view(1).sizeBytes()).isEqualTo(MIB);
      assertThat(store.applied("another-stream")).isEqualTo(ApplyPosition.none("another-stream"));
    }
    try (BlockStore store = fx.open()) {
      assertThat(store.applied(StoreFixture.STREAM)).as("close checkpoints").isEqualTo(at(2));
      store.write(at(2), 1, 0, random(4, BLOCK));
      assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(random(1, BLOCK)));
      store.recordApplied(at(3));
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(at(3));
    }
  }

  @Test
  void streamsAreIndependent() {
    StoreFixture fx = new StoreFixture(dir);
    try (BlockStore store = fx.open()) {
      store.createVolume(new ApplyPosition("a", 10, 1), 1, MIB);
      store.createVolume(new ApplyPosition("b", 3, 1), 2, MIB);
      assertThat(store.applied("a").index()).isEqualTo(10);
      assertThat(store.applied("b").index()).isEqualTo(3);
    }
  }

  @Test
  void aCrashLosesWhatWasNotCheckpointedAndReplayRestoresIt() {
    StoreFixture fx = new StoreFixture(dir);
    ByteBuffer a = random(1, 2 * BLOCK);
    ByteBuffer b = random(2, BLOCK);
    ByteBuffer c = random(3, 100);
    BlockStore store = fx.open();
    store.createVolume(at(1), 1, MIB);
    store.write(at(2), 1, 0, a);
    store.checkpoint();
    store.write(at(3), 1, 4 * BLOCK, b);
    store.zero(at(4), 1, 0, BLOCK);
    store.snapshot(at(5), 1, 50);
    store.write(at(6), 1, BLOCK + 10, c);
    store.createVolume(at(7), 2, MIB);
    store.closeWithoutCheckpointForTest();

    store = fx.open();
    try {
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(at(2));
      assertThat(read(store, 1, 0, 5 * BLOCK)).isEqualTo(concat(bytes(a), new byte[3 * BLOCK]));
      assertThat(store.hasVolume(2)).isFalse();
      assertThat(store.snapshotParent(50)).isEmpty();
      assertThat(store.usage(1).liveBytes()).isEqualTo(2 * BLOCK);
      assertThat(StoreFixture.deviceUsed(store)).as("slots written after the checkpoint are free again").isEqualTo(2 * BLOCK);

      // Replaying the log from the start: what is durable is skipped, the rest is applied again.
      store.createVolume(at(1), 1, MIB);
      store.write(at(2), 1, 0, a);
      store.write(at(3), 1, 4 * BLOCK, b);
      store.zero(at(4), 1, 0, BLOCK);
      store.snapshot(at(5), 1, 50);
      store.write(at(6), 1, BLOCK + 10, c);
      store.createVolume(at(7), 2, MIB);

      byte[] expected = new byte[5 * BLOCK];
      System.arraycopy(bytes(a), BLOCK, expected, BLOCK, BLOCK);
      System.arraycopy(bytes(c), 0, expected, BLOCK + 10, 100);
      System.arraycopy(bytes(b), 0, expected, 4 * BLOCK, BLOCK);
      assertThat(read(store, 1, 0, 5 * BLOCK)).isEqualTo(expected);
      assertThat(read(store, 50, BLOCK, BLOCK)).isEqualTo(java.util.Arrays.copyOfRange(bytes(a), BLOCK, 2 * BLOCK));
      assertThat(store.hasVolume(2)).isTrue();
      assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(at(7));
    } finally {
      store.close();
    }
  }

  @Test
  void aSlotFreedAfterACheckpointIsNotReusedUntilTheNextOne() {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = DeviceAdmission.MIN_BYTES; // 16 slots
    BlockStore store = fx.open();
    store.createVolume(at(1), 1, MIB);
    store.write(at(2), 1, 0, random(1, 15 * BLOCK));
    store.checkpoint();
    store.write(at(3), 1, 0, random(2, BLOCK)); // takes the last free slot, frees block 0's old one
    store.write(at(4), 1, BLOCK, random(3, BLOCK)); // needs a slot: only the freed ones are left
    assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(at(4));
    store.write(at(5), 1, 2 * BLOCK, random(4, BLOCK));
    store.closeWithoutCheckpointForTest();

    // Had a freed slot been reused without a checkpoint in between, the durable index would point at
    // a slot holding another block's data and this read would fail its checksum.
    store = fx.open();
    try {
      byte[] all = read(store, 1, 0, 15 * BLOCK);
      assertThat(store.checksumErrors()).isZero();
      byte[] durable = bytes(random(1, 15 * BLOCK));
      long checkpointed = store.applied(StoreFixture.STREAM).index();
      assertThat(checkpointed).as("reusing freed slots forced a checkpoint first").isEqualTo(4);
      System.arraycopy(bytes(random(2, BLOCK)), 0, durable, 0, BLOCK);
      System.arraycopy(bytes(random(3, BLOCK)), 0, durable, BLOCK, BLOCK);
      assertThat(all).isEqualTo(durable);
    } finally {
      store.close();
    }
  }

  @Test
  void everyIndexFlushSyncsTheDevicesFirst() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    StoreHealth health = new StoreHealth();
    DeviceSyncListener listener = new DeviceSyncListener(health::failed);
    try (RandomAccessFile file = new RandomAccessFile(fx.device.toFile(), "rw")) {
      file.setLength(DeviceAdmission.MIN_BYTES);
    }
    DeviceLabel label = new DeviceLabel("c", "n", UUID.randomUUID(), DeviceAdmission.MIN_BYTES);
    try (IndexDb db = IndexDb.open(dir.resolve("idx"), listener);
        DevicePool pool = new DevicePool(List.of(new Device(fx.device,
            FileChannel.open(fx.device, StandardOpenOption.READ, StandardOpenOption.WRITE), label, 0)))) {
      listener.syncBeforeFlushes(pool);
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(db.meta, new byte[] {1}, new byte[] {2});
        db.write(batch);
      }
      assertThat(pool.syncs()).isZero();
      db.flush(); // the store's checkpoint syncs too; here only the listener can have
      assertThat(pool.syncs()).isOne();
      assertThat(health.hasFailed()).isFalse();
    } finally {
      listener.close();
    }
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }
}
