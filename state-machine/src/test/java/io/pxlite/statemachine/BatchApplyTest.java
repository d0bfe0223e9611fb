package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.EventOutcome.Code;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.journal.event.VolumeEvent.Batch;
import io.pxlite.journal.event.VolumeEvent.Write;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.device.DeviceConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch entry's writes are applied in runs (one store change per run of writes to distinct blocks
 * of one volume); each part's outcome, and what reads see, are what applying each part alone gives.
 */
class BatchApplyTest {
  private static final String STREAM = "g1";
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  private static final long MIB = 1L << 20;
  @TempDir Path dir;

  private BlockStore open(String name) {
    return BlockStore.open(new StoreConfig(dir.resolve(name).resolve("index"),
        List.of(new DeviceConfig(dir.resolve(name).resolve("dev0.img"), 64L << 20)), "c1", "n1", false));
  }

  @Test
  void runsSplitAtAnotherVolumeAnOverlapAndAnyOtherEvent() {
    List<VolumeEvent> events = List.of(
        new Write(7, 0, block(1)),
        new Write(7, BLOCK, block(2)),
        new Write(7, 2 * BLOCK + 100, ByteBuffer.allocate(10)),
        new Write(7, BLOCK + 5, ByteBuffer.allocate(10)), // overlaps part 1
        new Write(8, 0, block(3)),                        // another volume
        new VolumeEvent.Zero(8, 0, BLOCK),
        new Write(8, 0, block(4)),
        new Write(8, 0, ByteBuffer.allocate(0)));         // touches no block
    List<Integer> ends = new ArrayList<>();
    for (int from = 0; from < events.size(); from = WriteRuns.endOfRun(events, from)) {
      ends.add(WriteRuns.endOfRun(events, from));
    }
    assertThat(ends).containsExactly(3, 4, 5, 6, 8);
  }

  @Test
  void aBatchGivesEveryPartTheOutcomeAndEffectItHasAlone() {
    BlockStore together = open("together");
    BlockStore alone = open("alone");
    EventApplier batchApplier = new EventApplier(together);
    EventApplier partApplier = new EventApplier(alone);
    for (EventApplier a : List.of(batchApplier, partApplier)) {
      assertThat(a.apply(new ApplyPosition(STREAM, 1, 1), new VolumeEvent.CreateVolume(7, MIB)).isOk()).isTrue();
    }
    List<VolumeEvent> events = List.of(
        new Write(7, 0, block(1)),
        new Write(7, BLOCK, block(2)),
        new Write(7, MIB, block(3)),          // past the end: refused, so its run is applied part by part
        new Write(7, 3 * BLOCK, block(4)),
        new Write(7, 0, block(5)),            // same block as part 0: a new run
        new Write(9, 0, block(6)),            // no such volume
        new Write(7, 8 * BLOCK, block(7)),
        new Write(7, 9 * BLOCK, block(8)));
    ApplyPosition entry = new ApplyPosition(STREAM, 2, 1);
    List<EventOutcome> outcomes = EventOutcome.decodeAll(
        batchApplier.applyEntry(entry, EventCodec.encode(new Batch(events))), entry.index());
    List<Code> expected = new ArrayList<>();
    for (int part = 0; part < events.size(); part++) {
      expected.add(partApplier.apply(entry.part(part), events.get(part)).code());
    }
    assertThat(outcomes).extracting(EventOutcome::code).containsExactlyElementsOf(expected)
        .containsExactly(Code.OK, Code.OK, Code.OUT_OF_RANGE, Code.OK, Code.OK, Code.NO_SUCH_VOLUME, Code.OK, Code.OK);
    assertThat(together.applied(STREAM)).isEqualTo(alone.applied(STREAM)).isEqualTo(entry.part(events.size() - 1));
    ByteBuffer a = ByteBuffer.allocate((int) MIB);
    ByteBuffer b = ByteBuffer.allocate((int) MIB);
    together.view(7).read(0, a);
    alone.view(7).read(0, b);
    assertThat(a.array()).isEqualTo(b.array());
    assertThat(a.slice(0, BLOCK)).isEqualTo(block(5));
    assertThat(together.usage(7)).isEqualTo(alone.usage(7));
    together.close();
    alone.close();
  }
}
