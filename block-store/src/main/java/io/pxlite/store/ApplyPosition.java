package io.pxlite.store;

/**
 * A position in one log stream (one replica group's Raft log): the log index and its term.
 * The store records, per stream, the last position it applied.
 */
public record ApplyPosition(String stream, long index, long term) {
  public static ApplyPosition none(String stream) {
    return new ApplyPosition(stream, -1, 0);
  }

  public boolean isAfter(ApplyPosition other) {
    return index > other.index;
  }
}
