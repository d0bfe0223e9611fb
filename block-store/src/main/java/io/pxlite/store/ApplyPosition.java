package io.pxlite.store;

/**
 * A position in one log stream (one replica group's Raft log): the log index, its term, and the
 * part within the entry (a log entry may carry several changes; each is applied at its own part so
 * that a crash in the middle of an entry replays exactly the parts not yet applied). The store
 * records, per stream, the last position it applied.
 */
public record ApplyPosition(String stream, long index, long term, int part) {
  public ApplyPosition(String stream, long index, long term) {
    this(stream, index, term, 0);
  }

  public static ApplyPosition none(String stream) {
    return new ApplyPosition(stream, -1, 0, 0);
  }

  public boolean isAfter(ApplyPosition other) {
    return index > other.index || (index == other.index && part > other.part);
  }

  /** The position of part {@code part} of the same log entry. */
  public ApplyPosition part(int part) {
    return new ApplyPosition(stream, index, term, part);
  }
}
