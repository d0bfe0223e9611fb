package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.nbd.AllocationExtents.Extent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How allocation runs become base:allocation extents. */
class AllocationExtentsTest {
  private static final int HOLE = 3;
  private static final int DATA = 0;

  @Test
  void holesAreHoleAndZeroAndDataIsZero() {
    List<AllocationRun> runs = List.of(new AllocationRun(0, 4096, false), new AllocationRun(4096, 8192, true));
    assertThat(AllocationExtents.describe(runs, 0, 12288, false))
        .containsExactly(new Extent(4096, DATA), new Extent(8192, HOLE));
  }

  @Test
  void adjacentRunsOfEqualStatusMerge() {
    List<AllocationRun> runs = List.of(
        new AllocationRun(0, 4096, true), new AllocationRun(4096, 4096, true), new AllocationRun(8192, 4096, false));
    assertThat(AllocationExtents.describe(runs, 0, 12288, false))
        .containsExactly(new Extent(8192, HOLE), new Extent(4096, DATA));
  }

  @Test
  void runsAreClippedToTheRequest() {
    List<AllocationRun> runs = List.of(new AllocationRun(0, 4096, false), new AllocationRun(4096, 4096, true));
    assertThat(AllocationExtents.describe(runs, 1000, 4000, false))
        .containsExactly(new Extent(3096, DATA), new Extent(904, HOLE));
  }

  @Test
  void gapsAndMissingTailsAreReportedAsData() {
    List<AllocationRun> runs = List.of(new AllocationRun(4096, 4096, true));
    assertThat(AllocationExtents.describe(runs, 0, 16384, false))
        .containsExactly(new Extent(4096, DATA), new Extent(4096, HOLE), new Extent(8192, DATA));
    assertThat(AllocationExtents.describe(List.of(), 0, 512, false)).containsExactly(new Extent(512, DATA));
  }

  @Test
  void reqOneGivesTheFirstExtentOnly() {
    List<AllocationRun> runs = List.of(
        new AllocationRun(0, 4096, true), new AllocationRun(4096, 4096, true), new AllocationRun(8192, 4096, false));
    assertThat(AllocationExtents.describe(runs, 0, 12288, true)).containsExactly(new Extent(8192, HOLE));
    assertThat(AllocationExtents.describe(runs, 0, 100, true)).containsExactly(new Extent(100, HOLE));
  }

  @Test
  void extentsAreCappedAtTheSpecLimit() {
    int runs = AllocationExtents.MAX_EXTENTS + 10;
    List<AllocationRun> alternating = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      alternating.add(new AllocationRun(i * 512L, 512, i % 2 == 0));
    }
    List<Extent> extents = AllocationExtents.describe(alternating, 0, runs * 512L, false);
    assertThat(extents).hasSize(AllocationExtents.MAX_EXTENTS);
    assertThat(extents.get(0)).isEqualTo(new Extent(512, HOLE));
  }
}
