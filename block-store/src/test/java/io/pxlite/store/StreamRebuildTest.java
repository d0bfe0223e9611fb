package io.pxlite.store;

import io.pxlite.store.device.Device;
import io.pxlite.store.stream.StreamImport;
import io.pxlite.store.stream.StreamSnapshot;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.STREAM;
import static io.pxlite.store.StoreFixture.read;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rebuilding one stream of a store from another store's frozen export. */
class StreamRebuildTest {
  static final String OTHER = "group-2";
  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  StoreFixture src;
  StoreFixture dst;
  BlockStore source;
  BlockStore target;

  @BeforeEach
  void open() {
    src = new StoreFixture(sourceDir);
    dst = new StoreFixture(targetDir);
    dst.nodeId = "node-2";
    source = src.open();
    target = dst.open();
  }

  @AfterEach
  void close() {
    source.close();
    target.close();
  }

  /** Volume 1 with a snapshot (100), zeroed and overwritten blocks; volume 2 empty; volume 9 in another stream. */
  private void fillSource() {
    source.createVolume(src.next(), 1, MIB);
    source.createVolume(src.next(), 2, 2 * MIB);
    source.createVolume(new ApplyPosition(OTHER, 1, 1), 9, MIB);
    source.write(new ApplyPosition(OTHER, 2, 1), 9, 0, random(9, BLOCK));
    for (int b = 0; b < 32; b++) {
      source.write(src.next(), 1, (long) b * BLOCK, random(b, BLOCK));
    }
    source.snapshot(src.next(), 1, 100);
    source.write(src.next(), 1, 0, random(1000, 4 * BLOCK));
    source.zero(src.next(), 1, 8L * BLOCK, 4 * BLOCK);
  }

  private static byte[] whole(BlockStore store, long id, long size) {
    return read(store, id, 0, (int) size);
  }

  private static void copy(StreamSnapshot from, StreamImport to, int chunk) {
    for (StreamSnapshot.VolumeInfo v : from.volumes()) {
      to.volume(v.id(), v.sizeBytes());
      long[] cursor = {0, 0};
      while (cursor != null) {
        StreamSnapshot.Chunk c = from.read(v.id(), cursor, chunk);
        to.versions(v.id(), c.versions());
        cursor = c.next();
      }
    }
    for (StreamSnapshot.SnapshotInfo s : from.snapshots()) {
      to.snapshot(s.id(), s.volumeId(), s.index(), s.sizeBytes());
    }
  }

  @Test
  void theTargetReadsExactlyWhatTheSourceHeldAtTheExportedPositionEvenAfterTheSourceMovedOn() {
    fillSource();
    byte[] volume1 = whole(source, 1, MIB);
    byte[] snapshot100 = whole(source, 100, MIB);
    VolumeUsage usage1 = source.usage(1);

    // Stale state of the stream on the target (a replica that fell behind), and another stream's volume.
    target.createVolume(dst.next(), 1, MIB);
    target.write(dst.next(), 1, 0, random(77, BLOCK));
    target.createVolume(dst.next(), 5, MIB);
    target.createVolume(new ApplyPosition(OTHER, 1, 1), 9, MIB);
    target.write(new ApplyPosition(OTHER, 2, 1), 9, 0, random(99, BLOCK));

    try (StreamSnapshot export = source.openStreamSnapshot(STREAM)) {
      ApplyPosition at = export.position();
      assertThat(at.index()).isEqualTo(37);
      assertThat(export.volumes()).extracting(StreamSnapshot.VolumeInfo::id).containsExactlyInAnyOrder(1L, 2L);
      // The source moves on and frees the slots the export refers to; a checkpoint must not let them be reused.
      for (int b = 0; b < 32; b++) {
        source.write(src.next(), 1, (long) b * BLOCK, random(5000 + b, BLOCK));
      }
      source.deleteSnapshot(src.next(), 100);
      source.checkpoint();
      for (int b = 0; b < 64; b++) {
        source.write(src.next(), 2, (long) b * BLOCK, random(6000 + b, BLOCK));
      }

      StreamImport imported = target.beginStreamImport(STREAM);
      copy(export, imported, 5);
      imported.finish(at);
      assertThat(imported.importedBytes()).isEqualTo(usage1.liveBytes() + usage1.snapshotBytes());
    }

    assertThat(whole(target, 1, MIB)).isEqualTo(volume1);
    assertThat(whole(target, 100, MIB)).isEqualTo(snapshot100);
    assertThat(whole(target, 2, 2 * MIB)).containsOnly(0);
    assertThat(target.usage(1)).isEqualTo(usage1);
    assertThat(target.hasVolume(5)).as("a stale volume of the stream the source no longer has").isFalse();
    assertThat(read(target, 9, 0, BLOCK)).as("another stream is untouched").isEqualTo(StoreFixture.bytes(random(99, BLOCK)));
    assertThat(target.applied(STREAM)).isEqualTo(new ApplyPosition(STREAM, 37, 1));

    // The rebuilt replica continues the log after the position, and survives a restart unchanged.
    dst.rewindTo(37);
    target.write(dst.next(), 1, 0, random(4242, BLOCK));
    target.close();
    target = dst.open();
    assertThat(read(target, 1, 0, BLOCK)).isEqualTo(StoreFixture.bytes(random(4242, BLOCK)));
    assertThat(read(target, 1, BLOCK, (int) MIB - BLOCK)).isEqualTo(java.util.Arrays.copyOfRange(volume1, BLOCK, (int) MIB));
    assertThat(whole(target, 100, MIB)).isEqualTo(snapshot100);
    assertThat(target.usage(1).snapshotBytes()).isEqualTo(usage1.snapshotBytes());
    target.deleteSnapshot(dst.next(), 100);
    assertThat(target.usage(1).snapshotBytes()).isZero();
  }

  @Test
  void slotsFreedWhileAnExportIsOpenAreNotReusedUntilItCloses() {
    source.close();
    src = new StoreFixture(sourceDir.resolve("small"));
    src.deviceBytes = Device.RESERVED_BYTES + 24L * BLOCK;
    source = src.open();
    source.createVolume(src.next(), 1, MIB);
    source.write(src.next(), 1, 0, random(1, 8 * BLOCK));
    StreamSnapshot export = source.openStreamSnapshot(STREAM);
    source.write(src.next(), 1, 0, random(2, 8 * BLOCK));
    source.write(src.next(), 1, 8L * BLOCK, random(3, 8 * BLOCK));
    source.checkpoint();
    assertThatThrownBy(() -> source.write(src.next(), 1, 0, random(4, 8 * BLOCK)))
        .as("the only slots a checkpoint could free are the export's").isInstanceOf(OutOfSpaceException.class);
    StreamSnapshot.Chunk chunk = export.read(1, new long[] {0, 0}, 100);
    assertThat(chunk.versions()).hasSize(8);
    assertThat(chunk.next()).isNull();
    for (int b = 0; b < 8; b++) {
      assertThat(chunk.versions().get(b).payload()).isEqualTo(random(1, 8 * BLOCK).slice(b * BLOCK, BLOCK));
    }
    export.close();
    assertThatThrownBy(() -> export.read(1, new long[] {0, 0}, 1)).hasMessageContaining("closed");
    source.write(src.next(), 1, 0, random(4, 8 * BLOCK));
    assertThat(read(source, 1, 0, 8 * BLOCK)).isEqualTo(StoreFixture.bytes(random(4, 8 * BLOCK)));
  }

  @Test
  void aDamagedPayloadIsRefusedAndARepeatedImportReplacesAPartialOne() {
    source.createVolume(src.next(), 1, MIB);
    source.write(src.next(), 1, 0, random(1, 4 * BLOCK));
    try (StreamSnapshot export = source.openStreamSnapshot(STREAM)) {
      StreamImport first = target.beginStreamImport(STREAM);
      first.volume(1, MIB);
      List<StoredVersion> versions = new ArrayList<>(export.read(1, new long[] {0, 0}, 100).versions());
      first.versions(1, versions.subList(0, 2));
      StoredVersion v = versions.get(2);
      ByteBuffer bad = ByteBuffer.allocate(BLOCK);
      bad.put(0, (byte) 1);
      assertThatThrownBy(() -> first.versions(1, List.of(new StoredVersion(v.block(), v.version(), v.crc(), bad))))
          .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("arrived damaged");
      // Abandoned half way; a second import starts from nothing.
      StreamImport second = target.beginStreamImport(STREAM);
      copy(export, second, 3);
      second.finish(export.position());
    }
    assertThat(read(target, 1, 0, 4 * BLOCK)).isEqualTo(StoreFixture.bytes(random(1, 4 * BLOCK)));
    assertThat(target.usage(1).liveBytes()).isEqualTo(4L * BLOCK);
    assertThat(StoreFixture.deviceUsed(target)).as("the partial copy's slots were freed").isLessThanOrEqualTo(6L * BLOCK);
  }

  @Test
  void droppingAStreamForgetsItsVolumesAndPositionAndLeavesOthersAlone() {
    fillSource();
    long usedBefore = StoreFixture.deviceUsed(source);
    source.dropStream(STREAM);
    assertThat(source.hasVolume(1)).isFalse();
    assertThat(source.hasVolume(2)).isFalse();
    assertThatThrownBy(() -> source.view(100)).isInstanceOf(NoSuchVolumeException.class);
    assertThat(source.applied(STREAM)).isEqualTo(ApplyPosition.none(STREAM));
    assertThat(read(source, 9, 0, BLOCK)).isEqualTo(StoreFixture.bytes(random(9, BLOCK)));
    assertThat(StoreFixture.deviceUsed(source)).isLessThan(usedBefore).isEqualTo(BLOCK);
    source.close();
    source = src.open();
    assertThat(source.applied(STREAM)).as("after a restart too").isEqualTo(ApplyPosition.none(STREAM));
    assertThat(source.hasVolume(1)).isFalse();
    assertThat(source.applied(OTHER).index()).isEqualTo(2);
  }
}
