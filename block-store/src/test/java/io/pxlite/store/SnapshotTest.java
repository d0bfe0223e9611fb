package io.pxlite.store;

import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.read;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
  @TempDir Path dir;
  StoreFixture fx;
  BlockStore store;
  final ByteBuffer a = random(1, BLOCK);
  final ByteBuffer b = random(2, BLOCK);
  final ByteBuffer c = random(3, BLOCK);

  @BeforeEach
  void open() {
    fx = new StoreFixture(dir);
    store = fx.open();
    store.createVolume(fx.next(), 1, MIB);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aSnapshotKeepsReadingWhatWasThereWhenItWasTaken() {
    store.write(fx.next(), 1, 0, a);
    store.snapshot(fx.next(), 1, 100);
    store.write(fx.next(), 1, 0, b);
    store.write(fx.next(), 1, BLOCK, c);

    assertThat(read(store, 100, 0, BLOCK)).isEqualTo(bytes(a));
    assertThat(read(store, 100, BLOCK, BLOCK)).as("written after the snapshot").containsOnly(0);
    assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(b));
    assertThat(read(store, 1, BLOCK, BLOCK)).isEqualTo(bytes(c));
    assertThat(store.view(100).allocation(0, 2 * BLOCK)).containsExactly(new Extent(0, BLOCK, false), new Extent(BLOCK, BLOCK, true));
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, 2 * BLOCK, BLOCK));
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(3 * BLOCK);
  }

  @Test
  void deletingTheSnapshotReleasesTheVersionsOnlyItNeeded() {
    store.write(fx.next(), 1, 0, a);
    store.write(fx.next(), 1, 2 * BLOCK, a);
    store.snapshot(fx.next(), 1, 100);
    store.write(fx.next(), 1, 0, b);
    store.zero(fx.next(), 1, 2 * BLOCK, BLOCK);
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, BLOCK, 2 * BLOCK));
    assertThat(read(store, 100, 2 * BLOCK, BLOCK)).isEqualTo(bytes(a));
    assertThat(read(store, 1, 2 * BLOCK, BLOCK)).containsOnly(0);

    store.deleteSnapshot(fx.next(), 100);
    assertThatThrownBy(() -> store.view(100)).isInstanceOf(NoSuchVolumeException.class);
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, BLOCK, 0));
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(BLOCK);
    assertThat(read(store, 1, 0, 3 * BLOCK)).isEqualTo(concat(bytes(b), new byte[2 * BLOCK]));
  }

  @Test
  void eachOfSeveralSnapshotsReadsItsOwnVersion() {
    store.write(fx.next(), 1, 0, a);
    store.snapshot(fx.next(), 1, 100);
    store.write(fx.next(), 1, 0, b);
    store.snapshot(fx.next(), 1, 101);
    store.zero(fx.next(), 1, 0, BLOCK);
    store.snapshot(fx.next(), 1, 102);
    store.write(fx.next(), 1, 0, c);

    assertThat(read(store, 100, 0, BLOCK)).isEqualTo(bytes(a));
    assertThat(read(store, 101, 0, BLOCK)).isEqualTo(bytes(b));
    assertThat(read(store, 102, 0, BLOCK)).containsOnly(0);
    assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(c));
    assertThat(store.usage(1).snapshotBytes()).isEqualTo(2 * BLOCK);

    store.deleteSnapshot(fx.next(), 101);
    assertThat(read(store, 100, 0, BLOCK)).isEqualTo(bytes(a));
    assertThat(read(store, 102, 0, BLOCK)).containsOnly(0);
    assertThat(store.usage(1).snapshotBytes()).isEqualTo(BLOCK);

    store.deleteSnapshot(fx.next(), 100);
    assertThat(read(store, 102, 0, BLOCK)).containsOnly(0);
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, BLOCK, 0));
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(BLOCK);
  }

  @Test
  void aSnapshotSurvivesAShrinkAndKeepsItsSize() {
    store.write(fx.next(), 1, 0, random(4, 8 * BLOCK));
    store.snapshot(fx.next(), 1, 100);
    store.resize(fx.next(), 1, 2 * BLOCK);
    store.resize(fx.next(), 1, MIB);
    assertThat(store.view(100).sizeBytes()).isEqualTo(MIB);
    assertThat(read(store, 100, 0, 8 * BLOCK)).isEqualTo(bytes(random(4, 8 * BLOCK)));
    assertThat(read(store, 1, 2 * BLOCK, 6 * BLOCK)).containsOnly(0);
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, 2 * BLOCK, 6 * BLOCK));
  }

  @Test
  void snapshotsReopenIntact() {
    store.write(fx.next(), 1, 0, a);
    store.snapshot(fx.next(), 1, 100);
    store.write(fx.next(), 1, 0, b);
    store.close();
    store = fx.open();
    assertThat(read(store, 100, 0, BLOCK)).isEqualTo(bytes(a));
    assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(b));
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, BLOCK, BLOCK));
    store.write(fx.next(), 1, 0, c);
    assertThat(read(store, 100, 0, BLOCK)).isEqualTo(bytes(a));
    assertThat(store.usage(1).snapshotBytes()).isEqualTo(BLOCK);
  }

  @Test
  void deletingTheVolumeDeletesItsSnapshotsAndReleasesEverything() {
    store.write(fx.next(), 1, 0, a);
    store.snapshot(fx.next(), 1, 100);
    store.write(fx.next(), 1, 0, b);
    store.deleteVolume(fx.next(), 1);
    assertThat(store.snapshotParent(100)).isEmpty();
    assertThatThrownBy(() -> store.view(100)).isInstanceOf(NoSuchVolumeException.class);
    assertThat(StoreFixture.deviceUsed(store)).isZero();
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }
}
