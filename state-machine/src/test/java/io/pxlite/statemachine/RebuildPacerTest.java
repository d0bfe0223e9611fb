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
    pacer.afterChunk(5_000_000, false);
    assertThat(pacer.pacedChunks()).as("nobody busy: no pause").isZero();
    RebuildPacer off = new RebuildPacer(0, () -> true);
    off.afterChunk(5_000_000, true);
    assertThat(off.pacedChunks()).as("factor 0: never a pause").isZero();

    long started = System.nanoTime();
    pacer.afterChunk(2_000_000, true);
    localBusy[0] = true;
    pacer.afterChunk(2_000_000, false);
    assertThat(pacer.pacedChunks()).isEqualTo(2);
    assertThat(pacer.pausedMillis()).as("two pauses of PACE x 2 ms").isEqualTo(2 * PACE * 2);
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(2L * PACE * 2_000_000);

    pacer.afterChunk(1_000_000_000, false);
    assertThat(pacer.pausedMillis()).as("a slow chunk pauses at most the cap")
        .isEqualTo(2 * PACE * 2 + RebuildPacer.MAX_PAUSE_MILLIS);
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
