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

class ReadWriteTest {
  @TempDir Path dir;
  StoreFixture fx;
  BlockStore store;

  @BeforeEach
  void open() {
    fx = new StoreFixture(dir);
    store = fx.open();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aNewVolumeReadsAsZerosAndIsOneHole() {
    store.createVolume(fx.next(), 1, 1L << 40); // 1 TiB on a 64 MiB device: thin
    assertThat(store.hasVolume(1)).isTrue();
    assertThat(read(store, 1, 123_456_789, 10_000)).containsOnly(0);
    assertThat(store.view(1).allocation(0, 1L << 40)).containsExactly(new Extent(0, 1L << 40, true));
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, 1L << 40, 0, 0));
    assertThat(StoreFixture.deviceUsed(store)).isZero();
  }

  @Test
  void alignedWritesReadBack() {
    store.createVolume(fx.next(), 1, 16 * MIB);
    ByteBuffer data = random(1, 8 * BLOCK);
    store.write(fx.next(), 1, 4 * BLOCK, data);
    assertThat(data.position()).as("the source buffer is not consumed").isZero();
    assertThat(read(store, 1, 4 * BLOCK, 8 * BLOCK)).isEqualTo(bytes(data));
    assertThat(read(store, 1, 0, 4 * BLOCK)).containsOnly(0);
    assertThat(store.usage(1).liveBytes()).isEqualTo(8 * BLOCK);
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(8 * BLOCK);
  }

  @Test
  void unalignedWritesMergeWithWhatIsStored() {
    store.createVolume(fx.next(), 1, 16 * MIB);
    byte[] expected = new byte[4 * BLOCK];
    ByteBuffer first = random(2, 3 * BLOCK);
    store.write(fx.next(), 1, 0, first);
    System.arraycopy(bytes(first), 0, expected, 0, 3 * BLOCK);

    ByteBuffer second = random(3, 5000);
    store.write(fx.next(), 1, 3000, second); // inside block 0, across into block 1
    System.arraycopy(bytes(second), 0, expected, 3000, 5000);

    ByteBuffer third = random(4, 700);
    store.write(fx.next(), 1, 3 * BLOCK + 100, third); // into a hole: the rest stays zero
    System.arraycopy(bytes(third), 0, expected, 3 * BLOCK + 100, 700);

    assertThat(read(store, 1, 0, 4 * BLOCK)).isEqualTo(expected);
    assertThat(read(store, 1, 2999, 5002)).isEqualTo(java.util.Arrays.copyOfRange(expected, 2999, 8001));
    assertThat(store.usage(1).liveBytes()).isEqualTo(4 * BLOCK);
  }

  @Test
  void writesFromADirectBufferWithAnOffsetPosition() {
    store.createVolume(fx.next(), 1, MIB);
    ByteBuffer direct = ByteBuffer.allocateDirect(3 * BLOCK);
    direct.put(random(5, 3 * BLOCK)).position(100).limit(100 + 2 * BLOCK);
    store.write(fx.next(), 1, BLOCK, direct);
    ByteBuffer dst = ByteBuffer.allocateDirect(2 * BLOCK + 10);
    dst.position(10);
    store.view(1).read(BLOCK, dst);
    byte[] got = new byte[2 * BLOCK];
    dst.get(10, got);
    assertThat(got).isEqualTo(bytes(direct));
  }

  @Test
  void allocationMapsDataAndHolesClippedToTheRange() {
    store.createVolume(fx.next(), 1, MIB);
    store.write(fx.next(), 1, 2 * BLOCK, random(6, 2 * BLOCK));
    store.write(fx.next(), 1, 6 * BLOCK, random(7, BLOCK));
    assertThat(store.view(1).allocation(BLOCK + 10, 7 * BLOCK)).containsExactly(
        new Extent(BLOCK + 10, BLOCK - 10, true),
        new Extent(2 * BLOCK, 2 * BLOCK, false),
        new Extent(4 * BLOCK, 2 * BLOCK, true),
        new Extent(6 * BLOCK, BLOCK, false),
        new Extent(7 * BLOCK, BLOCK + 10, true));
  }

  @Test
  void zeroReleasesWholeBlocksAndZeroesPartialOnes() {
    store.createVolume(fx.next(), 1, MIB);
    ByteBuffer data = random(8, 10 * BLOCK);
    store.write(fx.next(), 1, 0, data);
    long used = StoreFixture.deviceUsed(store);

    store.zero(fx.next(), 1, BLOCK + 100, 5 * BLOCK); // partial 1, whole 2..5, partial 6
    byte[] expected = bytes(data);
    java.util.Arrays.fill(expected, BLOCK + 100, 6 * BLOCK + 100, (byte) 0);
    assertThat(read(store, 1, 0, 10 * BLOCK)).isEqualTo(expected);
    assertThat(store.usage(1).liveBytes()).isEqualTo(6 * BLOCK);
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(used - 4 * BLOCK);
    assertThat(store.view(1).allocation(0, 10 * BLOCK)).containsExactly(
        new Extent(0, 2 * BLOCK, false), new Extent(2 * BLOCK, 4 * BLOCK, true), new Extent(6 * BLOCK, 4 * BLOCK, false));
  }

  @Test
  void trimmingAHugeUnwrittenRangeIsCheap() {
    store.createVolume(fx.next(), 1, 1L << 50);
    store.write(fx.next(), 1, (1L << 49), random(9, BLOCK));
    store.zero(fx.next(), 1, 0, 1L << 50);
    assertThat(store.usage(1).liveBytes()).isZero();
    assertThat(StoreFixture.deviceUsed(store)).isZero();
  }

  @Test
  void writingZerosKeepsTheVolumeThin() {
    store.createVolume(fx.next(), 1, MIB);
    store.write(fx.next(), 1, 0, random(10, 2 * BLOCK));
    store.write(fx.next(), 1, 0, ByteBuffer.allocate(2 * BLOCK));
    assertThat(read(store, 1, 0, 2 * BLOCK)).containsOnly(0);
    assertThat(store.usage(1).liveBytes()).isZero();
    assertThat(store.view(1).allocation(0, MIB)).containsExactly(new Extent(0, MIB, true));
  }

  @Test
  void overwritesKeepOnlyTheNewestVersion() {
    store.createVolume(fx.next(), 1, MIB);
    for (int i = 0; i < 5; i++) {
      store.write(fx.next(), 1, 0, random(100 + i, BLOCK));
    }
    assertThat(read(store, 1, 0, BLOCK)).isEqualTo(bytes(random(104, BLOCK)));
    assertThat(store.usage(1)).isEqualTo(new VolumeUsage(1, MIB, BLOCK, 0));
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(BLOCK);
  }

  @Test
  void rangesPastTheEndAreRejectedAndChangeNothing() {
    store.createVolume(fx.next(), 1, MIB);
    ApplyPosition before = store.applied(StoreFixture.STREAM);
    assertThatThrownBy(() -> store.write(fx.next(), 1, MIB - 100, random(11, 200)))
        .isInstanceOf(OutOfRangeException.class).hasMessageContaining("volume 1");
    assertThatThrownBy(() -> store.zero(fx.next(), 1, -1, 10)).isInstanceOf(OutOfRangeException.class);
    assertThatThrownBy(() -> store.write(fx.next(), 1, Long.MAX_VALUE - 10, random(11, 200)))
        .isInstanceOf(OutOfRangeException.class);
    assertThatThrownBy(() -> store.view(1).read(MIB, ByteBuffer.allocate(1))).isInstanceOf(OutOfRangeException.class);
    assertThatThrownBy(() -> store.createVolume(fx.next(), 2, 1000)).isInstanceOf(OutOfRangeException.class);
    assertThat(store.applied(StoreFixture.STREAM)).isEqualTo(before);
    assertThat(StoreFixture.deviceUsed(store)).isZero();
  }

  @Test
  void mutationsNameWhatIsWrong() {
    store.createVolume(fx.next(), 1, MIB);
    store.snapshot(fx.next(), 1, 2);
    assertThatThrownBy(() -> store.write(fx.next(), 9, 0, random(1, 10))).isInstanceOf(NoSuchVolumeException.class);
    assertThatThrownBy(() -> store.write(fx.next(), 2, 0, random(1, 10))).isInstanceOf(ReadOnlyViewException.class);
    assertThatThrownBy(() -> store.deleteVolume(fx.next(), 2)).isInstanceOf(ReadOnlyViewException.class);
    assertThatThrownBy(() -> store.deleteSnapshot(fx.next(), 1)).isInstanceOf(NoSuchVolumeException.class);
    assertThatThrownBy(() -> store.createVolume(fx.next(), 2, MIB)).isInstanceOf(VolumeExistsException.class);
    assertThatThrownBy(() -> store.snapshot(fx.next(), 1, 1)).isInstanceOf(VolumeExistsException.class);
    assertThatThrownBy(() -> store.view(42)).isInstanceOf(NoSuchVolumeException.class);
    assertThat(store.view(2).readOnly()).isTrue();
    assertThat(store.view(1).readOnly()).isFalse();
    assertThat(store.snapshotParent(2)).contains(1L);
    assertThat(store.snapshotParent(1)).isEmpty();
  }

  @Test
  void shrinkingReleasesBlocksAndGrowingAgainReadsZeros() {
    store.createVolume(fx.next(), 1, MIB);
    store.write(fx.next(), 1, 0, random(12, 8 * BLOCK));
    store.resize(fx.next(), 1, 4 * BLOCK);
    assertThat(store.view(1).sizeBytes()).isEqualTo(4 * BLOCK);
    assertThat(store.usage(1).liveBytes()).isEqualTo(4 * BLOCK);
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(4 * BLOCK);
    store.resize(fx.next(), 1, MIB);
    assertThat(read(store, 1, 4 * BLOCK, 4 * BLOCK)).containsOnly(0);
    assertThat(read(store, 1, 0, 4 * BLOCK)).isEqualTo(java.util.Arrays.copyOf(bytes(random(12, 8 * BLOCK)), 4 * BLOCK));
  }

  @Test
  void deletingAVolumeReleasesAllItsSpace() {
    store.createVolume(fx.next(), 1, MIB);
    store.createVolume(fx.next(), 2, MIB);
    store.write(fx.next(), 1, 0, random(13, 40 * BLOCK));
    store.write(fx.next(), 2, 0, random(14, 3 * BLOCK));
    store.deleteVolume(fx.next(), 1);
    assertThat(store.hasVolume(1)).isFalse();
    assertThatThrownBy(() -> store.view(1)).isInstanceOf(NoSuchVolumeException.class);
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(3 * BLOCK);
    assertThat(read(store, 2, 0, 3 * BLOCK)).isEqualTo(bytes(random(14, 3 * BLOCK)));

    store.createVolume(fx.next(), 1, MIB);
    assertThat(read(store, 1, 0, 40 * BLOCK)).as("a recreated volume starts empty").containsOnly(0);
  }

  @Test
  void aViewOfADeletedVolumeStopsReading() {
    store.createVolume(fx.next(), 1, MIB);
    BlockView view = store.view(1);
    store.deleteVolume(fx.next(), 1);
    assertThatThrownBy(() -> view.read(0, ByteBuffer.allocate(10))).isInstanceOf(NoSuchVolumeException.class);
  }

  @Test
  void extremeIdsKeepTheirBlocksApart() {
    long[] ids = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
    for (long id : ids) {
      store.createVolume(fx.next(), id, MIB);
      store.write(fx.next(), id, 0, random(id, 2 * BLOCK));
    }
    store.deleteVolume(fx.next(), -1);
    for (long id : ids) {
      if (id != -1) {
        assertThat(read(store, id, 0, 2 * BLOCK)).isEqualTo(bytes(random(id, 2 * BLOCK)));
      }
    }
    assertThat(StoreFixture.deviceUsed(store)).isEqualTo(6 * BLOCK);
  }
}
