package io.pxlite.store;

import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.STREAM;
import static io.pxlite.store.StoreFixture.filled;
import static io.pxlite.store.StoreFixture.random;
import static io.pxlite.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlockStore#writeAll} applies a log entry's writes to distinct blocks as one change; the
 * store must end exactly as if each had been applied at its own part with {@link BlockStore#write}.
 */
class WriteAllTest {
  private static final long VOLUME = 7;
  private static final long VOLUME_BYTES = 2 * MIB;

  @TempDir Path dir;

  @Test
  void runsOfWritesLeaveTheStoreAsOneWriteAPartDoes() {
    StoreFixture together = new StoreFixture(dir.resolve("together"));
    StoreFixture oneByOne = new StoreFixture(dir.resolve("one-by-one"));
    BlockStore a = together.open();
    BlockStore b = oneByOne.open();
    for (BlockStore s : List.of(a, b)) {
      s.createVolume(new ApplyPosition(STREAM, 1, 1), VOLUME, VOLUME_BYTES);
    }
    Random rnd = new Random(42);
    List<Long> snapshots = new ArrayList<>();
    for (long index = 2; index < 60; index++) {
      ApplyPosition entry = new ApplyPosition(STREAM, index, 1);
      if (index % 10 == 0) {
        // Snapshots between entries, so that writes must keep older versions and prune them right.
        long snap = 1000 + index;
        a.snapshot(entry, VOLUME, snap);
        b.snapshot(entry, VOLUME, snap);
        snapshots.add(snap);
        continue;
      }
      if (index % 15 == 0 && !snapshots.isEmpty()) {
        long snap = snapshots.remove(0);
        a.deleteSnapshot(entry, snap);
        b.deleteSnapshot(entry, snap);
        continue;
      }
      List<EntryWrite> writes = distinctWrites(rnd, 1 + rnd.nextInt(12));
      a.writeAll(entry, VOLUME, writes);
      for (int part = 0; part < writes.size(); part++) {
        b.write(entry.part(part), VOLUME, writes.get(part).offset(), writes.get(part).data());
      }
      assertThat(a.applied(STREAM)).isEqualTo(b.applied(STREAM)).isEqualTo(entry.part(writes.size() - 1));
    }
    assertSameContents(a, b, VOLUME);
    for (long snap : snapshots) {
      assertSameContents(a, b, snap);
    }
    assertThat(a.usage(VOLUME)).isEqualTo(b.usage(VOLUME));
    assertThat(a.devices().get(0).usedBytes()).isEqualTo(b.devices().get(0).usedBytes());

    // The same after a restart: the versions written together are what the index holds.
    a.close();
    a = together.open();
    assertSameContents(a, b, VOLUME);
    a.close();
    b.close();
  }

  @Test
  void aReplayAppliesOnlyThePartsNotYetApplied() {
    StoreFixture fx = new StoreFixture(dir);
    BlockStore store = fx.open();
    store.createVolume(new ApplyPosition(STREAM, 1, 1), VOLUME, VOLUME_BYTES);
    ApplyPosition entry = new ApplyPosition(STREAM, 2, 1);
    // An older node applied parts 0 and 1 of the entry, then crashed.
    store.write(entry.part(0), VOLUME, 0, filled(0xA0, BLOCK));
    store.write(entry.part(1), VOLUME, BLOCK, filled(0xA1, BLOCK));
    store.writeAll(entry, VOLUME, List.of(
        new EntryWrite(0, filled(0xEE, BLOCK)),
        new EntryWrite(BLOCK, filled(0xEE, BLOCK)),
        new EntryWrite(2 * BLOCK, filled(0xA2, BLOCK))));
    assertThat(read(store, VOLUME, 0, BLOCK)).isEqualTo(filled(0xA0, BLOCK).array());
    assertThat(read(store, VOLUME, BLOCK, BLOCK)).isEqualTo(filled(0xA1, BLOCK).array());
    assertThat(read(store, VOLUME, 2 * BLOCK, BLOCK)).isEqualTo(filled(0xA2, BLOCK).array());
    assertThat(store.applied(STREAM)).isEqualTo(entry.part(2));

    // All parts applied: the whole run is skipped.
    store.writeAll(entry, VOLUME, List.of(new EntryWrite(0, filled(0xEE, BLOCK)), new EntryWrite(BLOCK, filled(0xEE, BLOCK)),
        new EntryWrite(2 * BLOCK, filled(0xEE, BLOCK))));
    assertThat(read(store, VOLUME, 0, 3 * BLOCK)).containsOnly((byte) 0xA0, (byte) 0xA1, (byte) 0xA2);
    store.close();
  }

  @Test
  void aRefusedWriteInTheRunAppliesNoneOfIt() {
    StoreFixture fx = new StoreFixture(dir);
    BlockStore store = fx.open();
    store.createVolume(new ApplyPosition(STREAM, 1, 1), VOLUME, VOLUME_BYTES);
    store.write(new ApplyPosition(STREAM, 2, 1), VOLUME, 0, filled(0x11, BLOCK));
    long usedBefore = store.devices().get(0).usedBytes();
    ApplyPosition entry = new ApplyPosition(STREAM, 3, 1);
    List<EntryWrite> writes = List.of(
        new EntryWrite(0, filled(0x22, BLOCK)),
        new EntryWrite(VOLUME_BYTES, filled(0x33, BLOCK))); // past the end
    assertThatThrownBy(() -> store.writeAll(entry, VOLUME, writes))
        .isInstanceOf(OutOfRangeException.class)
        .hasMessageContaining("volume " + VOLUME);
    assertThat(read(store, VOLUME, 0, BLOCK)).isEqualTo(filled(0x11, BLOCK).array());
    assertThat(store.applied(STREAM)).isEqualTo(new ApplyPosition(STREAM, 2, 1));
    assertThat(store.devices().get(0).usedBytes()).as("no slot kept").isEqualTo(usedBefore);

    assertThatThrownBy(() -> store.writeAll(entry, 99, List.of(new EntryWrite(0, filled(1, BLOCK)), new EntryWrite(BLOCK, filled(2, BLOCK)))))
        .isInstanceOf(NoSuchVolumeException.class);
    assertThat(store.applied(STREAM)).isEqualTo(new ApplyPosition(STREAM, 2, 1));
    store.close();
  }

  @Test
  void aRunThatDoesNotFitIsRefusedWholeAndTakesNoSpace() {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = 2 * MIB; // the first MiB is reserved: 256 slots
    BlockStore store = fx.open();
    store.createVolume(new ApplyPosition(STREAM, 1, 1), VOLUME, 4 * MIB);
    List<EntryWrite> writes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      writes.add(new EntryWrite(i * 128L * BLOCK, random(i, 128 * BLOCK)));
    }
    assertThatThrownBy(() -> store.writeAll(new ApplyPosition(STREAM, 2, 1), VOLUME, writes))
        .isInstanceOf(OutOfSpaceException.class);
    assertThat(store.devices().get(0).usedBytes()).isZero();
    assertThat(store.applied(STREAM)).isEqualTo(new ApplyPosition(STREAM, 1, 1));
    store.close();
  }

  /** Writes of whole and partial blocks, some all zeros, on pairwise distinct blocks. */
  private static List<EntryWrite> distinctWrites(Random rnd, int count) {
    List<EntryWrite> writes = new ArrayList<>();
    List<long[]> taken = new ArrayList<>();
    int blocks = (int) (VOLUME_BYTES / BLOCK);
    while (writes.size() < count) {
      long first = rnd.nextInt(blocks - 8);
      int length = switch (rnd.nextInt(4)) {
        case 0 -> BLOCK;
        case 1 -> (1 + rnd.nextInt(8)) * BLOCK;
        case 2 -> 1 + rnd.nextInt(BLOCK - 1);
        default -> 1 + rnd.nextInt(3 * BLOCK);
      };
      long offset = first * BLOCK + (length % BLOCK == 0 ? 0 : rnd.nextInt(BLOCK));
      long last = (offset + length - 1) / BLOCK;
      if (last >= blocks || taken.stream().anyMatch(t -> first <= t[1] && t[0] <= last)) {
        continue;
      }
      taken.add(new long[] {first, last});
      ByteBuffer data = rnd.nextInt(5) == 0 ? ByteBuffer.allocate(length) : random(rnd.nextLong(), length);
      writes.add(new EntryWrite(offset, data));
    }
    return writes;
  }

  private static void assertSameContents(BlockStore a, BlockStore b, long id) {
    assertThat(read(a, id, 0, (int) VOLUME_BYTES)).as("contents of %d", id).isEqualTo(read(b, id, 0, (int) VOLUME_BYTES));
  }
}
