package io.pxlite.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.store.StoredVersion;
import io.pxlite.store.stream.StreamSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class RebuildPacerTest {
  private static final int PACE = 9;

  @Test
  void pausesOnlyWhileClientsAreBusyHereOrAtTheSourceAndAtMostTheCap() throws Exception {
    boolean[] localBusy = {false};
    RebuildPacer pacer = new RebuildPacer(PACE, () -> localBusy[0]);
    assertThat(pacer.yields(false)).as("nobody busy: no pause").isFalse();
    assertThat(new RebuildPacer(0, () -> true).yields(true)).as("factor 0: never a pause").isFalse();
    assertThat(pacer.yields(true)).as("the source's clients busy").isTrue();
    localBusy[0] = true;
    assertThat(pacer.yields(false)).as("this node's clients busy").isTrue();

    long started = System.nanoTime();
    pacer.pauseAfter(2_000_000);
    pacer.pauseAfter(2_000_000);
    assertThat(pacer.pacedChunks()).isEqualTo(2);
    assertThat(pacer.pausedMillis()).as("two pauses of PACE x 2 ms").isEqualTo(2 * PACE * 2);
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(2L * PACE * 2_000_000);

    pacer.pauseAfter(1_000_000_000);
    assertThat(pacer.pausedMillis()).as("a slow chunk pauses at most the cap")
        .isEqualTo(2 * PACE * 2 + RebuildPacer.MAX_PAUSE_MILLIS);
  }

  @Test
  void pausesEndOnceTheBudgetIsSpentSoTheRebuildAlwaysFinishes() throws Exception {
    RebuildPacer pacer = new RebuildPacer(PACE, () -> true, 250);
    assertThat(pacer.yields(true)).isTrue();
    pacer.pauseAfter(1_000_000_000);
    assertThat(pacer.budgetSpent()).isFalse();
    assertThat(pacer.yields(true)).as("50 ms of the budget left").isTrue();
    pacer.pauseAfter(1_000_000_000);
    assertThat(pacer.pausedMillis()).as("the last pause is cut to what the budget had left").isEqualTo(250);
    assertThat(pacer.budgetSpent()).isTrue();
    assertThat(pacer.yields(true)).as("clients still busy, but the budget is spent").isFalse();
    assertThat(new RebuildPacer(0, () -> true, 0).budgetSpent()).as("unpaced: no budget to spend").isFalse();
  }

  @Test
  void aChunkCarriesWhetherTheSourcesClientsWereBusy() {
    StreamSnapshot.Chunk chunk = new StreamSnapshot.Chunk(
        List.of(new StoredVersion(3, 9, 0, null)), new long[] {4, 0});
    for (boolean busy : new boolean[] {true, false}) {
      ExportCodec.ExportChunk decoded = ExportCodec.chunk(ExportCodec.chunk(chunk, busy));
      assertThat(decoded.sourceBusy()).isEqualTo(busy);
      assertThat(decoded.chunk().next()).containsExactly(4, 0);
      assertThat(decoded.chunk().versions()).hasSize(1);
    }
  }

  @Test
  void foregroundActivityIsBusyRightAfterAClientRequest() {
    ForegroundActivity clients = new ForegroundActivity();
    assertThat(clients.busy()).isFalse();
    clients.noteClientIo();
    assertThat(clients.busy()).isTrue();
  }
}
