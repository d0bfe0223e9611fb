package io.pxlite.store;

import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.bytes;
import static io.pxlite.store.StoreFixture.filled;
import static io.pxlite.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of a volume's head are served from the index's head cache once a block has been read: every
 * change that replaces, zeroes or removes a block must make the next read see it, whichever path the
 * change takes through the index (one key, a few keys, a range deletion).
 */
class HeadCacheTest {
  private static final long VOLUME = 5;

  @TempDir Path dir;
  private StoreFixture fixture;
  private BlockStore store;

  @BeforeEach
  void open() {
    fixture = new StoreFixture(dir);
    store = fixture.open();
    store.createVolume(fixture.next(), VOLUME, 4 * MIB);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void write(long block, int value) {
    store.write(fixture.next(), VOLUME, block * BLOCK, filled(value, BLOCK));
  }

  private byte[] readBlock(long volumeOrSnapshot, long block) {
    return read(store, volumeOrSnapshot, block * BLOCK, BLOCK);
  }

  @Test
  void anOverwriteIsReadAfterTheOldVersionWasCached() {
    write(3, 0x11);
    assertThat(readBlock(VOLUME, 3)).isEqualTo(bytes(filled(0x11, BLOCK)));
    assertThat(readBlock(VOLUME, 3)).as("from the cache").isEqualTo(bytes(filled(0x11, BLOCK)));
    write(3, 0x22);
    assertThat(readBlock(VOLUME, 3)).isEqualTo(bytes(filled(0x22, BLOCK)));
  }

  @Test
  void aShortRangeSeesAnOverwriteOfOneOfItsBlocks() {
    for (int b = 10; b < 14; b++) {
      write(b, b);
    }
    byte[] before = read(store, VOLUME, 10 * BLOCK, 4 * BLOCK);
    assertThat(read(store, VOLUME, 10 * BLOCK, 4 * BLOCK)).as("from the cache").isEqualTo(before);
    assertThat(before).startsWith(bytes(filled(10, BLOCK))).endsWith(bytes(filled(13, BLOCK)));
    write(12, 0x99);
    byte[] after = read(store, VOLUME, 10 * BLOCK, 4 * BLOCK);
    assertThat(java.util.Arrays.copyOfRange(after, 2 * BLOCK, 3 * BLOCK)).isEqualTo(bytes(filled(0x99, BLOCK)));
    assertThat(java.util.Arrays.copyOfRange(after, 0, 2 * BLOCK)).isEqualTo(java.util.Arrays.copyOfRange(before, 0, 2 * BLOCK));
    store.zero(fixture.next(), VOLUME, 13 * BLOCK, BLOCK);
    assertThat(java.util.Arrays.copyOfRange(read(store, VOLUME, 10 * BLOCK, 4 * BLOCK), 3 * BLOCK, 4 * BLOCK))
        .isEqualTo(new byte[BLOCK]);
  }

  @Test
  void aZeroedBlockReadsAsZerosAfterItsDataWasCached() {
    write(4, 0x33);
    assertThat(readBlock(VOLUME, 4)).isEqualTo(bytes(filled(0x33, BLOCK)));
    store.zero(fixture.next(), VOLUME, 4 * BLOCK, BLOCK);
    assertThat(readBlock(VOLUME, 4)).isEqualTo(new byte[BLOCK]);
    write(4, 0x44);
    assertThat(readBlock(VOLUME, 4)).isEqualTo(bytes(filled(0x44, BLOCK)));
  }

  @Test
  void aZeroedRangeReadsAsZerosWhenItIsDeletedAsARange() {
    int blocks = 600; // beyond the writer's threshold for deleting a range instead of keys
    for (int b = 0; b < blocks; b++) {
      write(b, 1 + b % 200);
    }
    for (int b = 0; b < blocks; b++) {
      assertThat(readBlock(VOLUME, b)).isEqualTo(bytes(filled(1 + b % 200, BLOCK)));
    }
    store.zero(fixture.next(), VOLUME, 0, (long) blocks * BLOCK);
    for (int b = 0; b < blocks; b++) {
      assertThat(readBlock(VOLUME, b)).as("block %d", b).isEqualTo(new byte[BLOCK]);
    }
  }

  @Test
  void theHeadMovesOnWhileASnapshotKeepsWhatItSaw() {
    write(7, 0x55);
    assertThat(readBlock(VOLUME, 7)).isEqualTo(bytes(filled(0x55, BLOCK)));
    store.snapshot(fixture.next(), VOLUME, 900);
    write(7, 0x66);
    assertThat(readBlock(VOLUME, 7)).isEqualTo(bytes(filled(0x66, BLOCK)));
    assertThat(readBlock(900, 7)).isEqualTo(bytes(filled(0x55, BLOCK)));
  }

  @Test
  void aVolumeCreatedAgainUnderTheSameIdReadsAsZeros() {
    write(9, 0x77);
    assertThat(readBlock(VOLUME, 9)).isEqualTo(bytes(filled(0x77, BLOCK)));
    store.deleteVolume(fixture.next(), VOLUME);
    store.createVolume(fixture.next(), VOLUME, 4 * MIB);
    assertThat(readBlock(VOLUME, 9)).isEqualTo(new byte[BLOCK]);
  }

  @Test
  void aBatchOfWritesReplacesCachedVersions() {
    for (int b = 0; b < 8; b++) {
      write(b, 0x10 + b);
      assertThat(readBlock(VOLUME, b)).isEqualTo(bytes(filled(0x10 + b, BLOCK)));
    }
    java.util.List<EntryWrite> writes = new java.util.ArrayList<>();
    for (int b = 0; b < 8; b++) {
      writes.add(new EntryWrite((long) b * BLOCK, filled(0x80 + b, BLOCK)));
    }
    store.writeAll(fixture.next(), VOLUME, writes);
    for (int b = 0; b < 8; b++) {
      assertThat(readBlock(VOLUME, b)).as("block %d", b).isEqualTo(bytes(filled(0x80 + b, BLOCK)));
    }
  }
}
