package io.pxlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionPrunerTest {
  private static boolean[] decide(long[] versions, boolean[] data, long... snapshots) {
    boolean[] keep = new boolean[versions.length];
    VersionPruner.decide(versions, data, versions.length, snapshots, keep);
    return keep;
  }

  @Test
  void withoutSnapshotsOnlyTheNewestDataVersionStays() {
    assertThat(decide(new long[] {3, 7, 9}, new boolean[] {true, true, true})).containsExactly(false, false, true);
  }

  @Test
  void aVersionStaysWhileASnapshotFallsBetweenItAndTheNextOne() {
    assertThat(decide(new long[] {3, 7, 9}, new boolean[] {true, true, true}, 5))
        .containsExactly(true, false, true);
    assertThat(decide(new long[] {3, 7, 9}, new boolean[] {true, true, true}, 7))
        .as("a snapshot at exactly a version's index reads that version")
        .containsExactly(false, true, true);
    assertThat(decide(new long[] {3, 7, 9}, new boolean[] {true, true, true}, 2))
        .as("a snapshot older than every version reads zeros and pins nothing")
        .containsExactly(false, false, true);
  }

  @Test
  void aZeroMarkerOverNothingIsDropped() {
    assertThat(decide(new long[] {4}, new boolean[] {false})).containsExactly(false);
    assertThat(decide(new long[] {3, 4}, new boolean[] {true, false})).as("no snapshot keeps 3").containsExactly(false, false);
  }

  @Test
  void aZeroMarkerOverAPinnedVersionStays() {
    assertThat(decide(new long[] {3, 8}, new boolean[] {true, false}, 5)).containsExactly(true, true);
  }

  @Test
  void aZeroMarkerOverAnotherZeroMarkerIsDropped() {
    // 2 is read by snapshot 3, marker 4 by snapshot 5 (over data 2), marker 9 repeats marker 4.
    assertThat(decide(new long[] {2, 4, 9}, new boolean[] {true, false, false}, 3, 5)).containsExactly(true, true, false);
  }

  @Test
  void dataOverAZeroMarkerKeepsTheMarkerOnlyIfSomethingOlderStays() {
    assertThat(decide(new long[] {2, 4, 9}, new boolean[] {true, false, true}, 3, 5)).containsExactly(true, true, true);
    assertThat(decide(new long[] {2, 4, 9}, new boolean[] {true, false, true}, 5)).containsExactly(false, false, true);
  }
}
