package io.pxlite.node.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.api.VolumeRestoreView;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdExport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SnapshotRestoreTest {
  private static final int MIB = 1 << 20;
  private static final int BLOCK = 4096;

  @Test
  void writesOnlyTheMibsThatDifferAndZeroesWhatIsAHoleInTheSnapshot() throws Exception {
    BlockExport snapshot = new BlockExport("v.s", 4 * MIB);
    snapshot.put(0, 1);
    snapshot.put(MIB + 8 * BLOCK, 2);
    BlockExport volume = new BlockExport("v", 4 * MIB);
    volume.put(0, 1); // equal
    volume.put(MIB + 8 * BLOCK, 3); // differs
    volume.put(3 * MIB, 4); // a hole in the snapshot

    VolumeRestoreView done = new SnapshotRestore(volume, snapshot, 4 * MIB).run();

    assertThat(done.writtenBytes()).isEqualTo(MIB);
    assertThat(done.zeroedBytes()).isEqualTo(MIB);
    assertThat(volume.writes).containsExactly((long) MIB);
    assertThat(volume.zeroes).containsExactly(3L * MIB);
    assertThat(volume.flushes).isOne();
    assertThat(volume.contents()).isEqualTo(snapshot.contents());
    assertThat(new SnapshotRestore(volume, snapshot, 4 * MIB).run().writtenBytes()).as("a second restore").isZero();
  }

  @Test
  void aVolumeThatGrewSinceTheSnapshotReadsZerosPastTheSnapshotsEnd() throws Exception {
    BlockExport snapshot = new BlockExport("v.s", 2 * MIB);
    snapshot.put(MIB, 1);
    BlockExport volume = new BlockExport("v", 4 * MIB);
    volume.put(MIB, 1);
    volume.put(2 * MIB, 2);
    volume.put(3 * MIB + BLOCK, 3);

    VolumeRestoreView done = new SnapshotRestore(volume, snapshot, 2 * MIB).run();

    assertThat(done.zeroedBytes()).isEqualTo(2L * MIB);
    assertThat(done.writtenBytes()).isZero();
    assertThat(volume.contents().limit(2 * MIB)).isEqualTo(snapshot.contents());
    assertThat(volume.contents().position(2 * MIB)).isEqualTo(ByteBuffer.allocate(2 * MIB));
  }

  @Test
  void aVolumeAllocationThatSaysDataEverywhereCostsAReadNotAWrite() throws Exception {
    BlockExport snapshot = new BlockExport("v.s", 4 * MIB);
    BlockExport volume = new BlockExport("v", 4 * MIB);
    volume.put(2 * MIB, 5);
    volume.allDataAllocation = true; // as a node answers while its replica is not fresh

    VolumeRestoreView done = new SnapshotRestore(volume, snapshot, 4 * MIB).run();

    assertThat(volume.zeroes).as("only the MiB that held data").containsExactly(2L * MIB);
    assertThat(done.zeroedBytes()).isEqualTo(MIB);
    assertThat(volume.contents()).isEqualTo(snapshot.contents());
  }

  @Test
  void aFailedWriteStopsTheRestoreNamingWhereItFailed() {
    BlockExport snapshot = new BlockExport("v.s", 8 * MIB);
    BlockExport volume = new BlockExport("v", 8 * MIB);
    for (int m = 0; m < 8; m++) {
      snapshot.put((long) m * MIB, 10 + m);
    }
    volume.failWritesAt = 2L * MIB;

    assertThatThrownBy(() -> new SnapshotRestore(volume, snapshot, 8 * MIB).run())
        .isInstanceOf(SnapshotRestore.RestoreFailedException.class)
        .hasMessageContaining("writing at byte " + 2 * MIB + " failed: no quorum (injected)");
    assertThat(volume.flushes).as("no flush reports a restore that failed").isZero();
  }

  /** An export over a byte array whose allocation is kept per 4 KiB block (what the store does). */
  private static final class BlockExport implements NbdExport {
    private final String name;
    private final byte[] bytes;
    private final boolean[] allocated;
    final List<Long> writes = new ArrayList<>();
    final List<Long> zeroes = new ArrayList<>();
    int flushes;
    long failWritesAt = -1;
    boolean allDataAllocation;

    BlockExport(String name, int size) {
      this.name = name;
      this.bytes = new byte[size];
      this.allocated = new boolean[size / BLOCK];
    }

    void put(long offset, int value) {
      java.util.Arrays.fill(bytes, (int) offset, (int) offset + BLOCK, (byte) value);
      allocated[(int) (offset / BLOCK)] = true;
    }

    ByteBuffer contents() {
      return ByteBuffer.wrap(bytes.clone());
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String id() {
      return name;
    }

    @Override
    public long sizeBytes() {
      return bytes.length;
    }

    @Override
    public boolean readOnly() {
      return false;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
      dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer data) {
      if (offset == failWritesAt) {
        return CompletableFuture.failedFuture(new IllegalStateException("no quorum (injected)"));
      }
      writes.add(offset);
      int length = data.remaining();
      data.get(bytes, (int) offset, length);
      for (int b = (int) (offset / BLOCK); b < (offset + length) / BLOCK; b++) {
        allocated[b] = true;
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
      zeroes.add(offset);
      java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
      java.util.Arrays.fill(allocated, (int) (offset / BLOCK), (int) ((offset + length) / BLOCK), false);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> flush() {
      flushes++;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<AllocationRun> allocation(long offset, long length) {
      if (allDataAllocation) {
        return List.of(new AllocationRun(offset, length, false));
      }
      List<AllocationRun> runs = new ArrayList<>();
      for (long at = offset; at < offset + length; at += BLOCK) {
        runs.add(new AllocationRun(at, BLOCK, !allocated[(int) (at / BLOCK)]));
      }
      return runs;
    }
  }
}
