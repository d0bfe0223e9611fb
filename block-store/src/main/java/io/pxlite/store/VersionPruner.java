package io.pxlite.store;

import java.util.Arrays;

/**
 * Decides which versions of one block must stay. A version is needed while it is the newest one
 * (the volume reads it) or while some snapshot reads it: a version {@code v} whose next newer version
 * is {@code n} is what a snapshot at {@code s} reads iff {@code v <= s < n}. A zero marker is needed
 * only over a kept data version; over nothing, or over another zero marker, absence reads the same.
 *
 * <p>New snapshots are always taken at or above every stored version, so a pruned block stays
 * pruned until a new version is written or a snapshot is deleted; those are the only times this runs.
 */
final class VersionPruner {
  private VersionPruner() {}

  /**
   * Fills {@code keep[0..n)} for the versions {@code versions[0..n)} (strictly ascending, the last
   * the newest), where {@code data[i]} is false for a zero marker, given the volume's snapshot
   * indexes in ascending order.
   */
  static void decide(long[] versions, boolean[] data, int n, long[] snapshots, boolean[] keep) {
    for (int i = 0; i < n; i++) {
      keep[i] = i == n - 1 || readBySnapshot(versions[i], versions[i + 1], snapshots);
    }
    boolean overData = false;
    for (int i = 0; i < n; i++) {
      if (!keep[i]) {
        continue;
      }
      if (data[i]) {
        overData = true;
      } else if (overData) {
        overData = false;
      } else {
        keep[i] = false;
      }
    }
  }

  /** Whether some snapshot {@code s} has {@code version <= s < next}. */
  static boolean readBySnapshot(long version, long next, long[] snapshots) {
    int i = Arrays.binarySearch(snapshots, version);
    if (i < 0) {
      i = -i - 1;
    }
    return i < snapshots.length && snapshots[i] < next;
  }
}
