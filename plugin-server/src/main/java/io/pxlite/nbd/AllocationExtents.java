package io.pxlite.nbd;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns an export's allocation runs into the {@code base:allocation} extents of a block status
 * reply: clipped to the requested range, adjacent runs of equal status merged, holes reported as
 * {@code NBD_STATE_HOLE | NBD_STATE_ZERO}. Gaps or missing tails in the runs are reported as status 0
 * ("allocated or unknown"), which the spec says is always safe.
 */
final class AllocationExtents {
  /** The spec's cap on descriptors in one chunk. */
  static final int MAX_EXTENTS = 1 << 20;

  private static final int HOLE = NbdProtocol.STATE_HOLE | NbdProtocol.STATE_ZERO;
  private static final int DATA = 0;

  /** A descriptor of a block status reply; {@code length} fits in 32 unsigned bits. */
  record Extent(long length, int flags) {}

  private AllocationExtents() {}

  /**
   * Extents covering {@code [offset, offset + length)} (fewer if capped). With {@code onlyOne}, the
   * first extent alone, as {@code NBD_CMD_FLAG_REQ_ONE} asks; it never exceeds {@code length}.
   */
  static List<Extent> describe(List<AllocationRun> runs, long offset, long length, boolean onlyOne) {
    long end = offset + length;
    long cursor = offset;
    int limit = onlyOne ? 1 : MAX_EXTENTS;
    List<Extent> extents = new ArrayList<>();
    for (AllocationRun run : runs) {
      long runEnd = run.offset() + run.length();
      if (runEnd <= cursor || run.length() <= 0) {
        continue;
      }
      if (run.offset() >= end) {
        break;
      }
      if (run.offset() > cursor) {
        if (!append(extents, run.offset() - cursor, DATA, limit)) {
          return extents;
        }
        cursor = run.offset();
      }
      long upTo = Math.min(runEnd, end);
      if (!append(extents, upTo - cursor, run.hole() ? HOLE : DATA, limit)) {
        return extents;
      }
      cursor = upTo;
      if (cursor >= end) {
        break;
      }
    }
    if (cursor < end) {
      append(extents, end - cursor, DATA, limit);
    }
    return extents;
  }

  /** Adds or merges an extent; false if the limit is reached and the extent was not added. */
  private static boolean append(List<Extent> extents, long length, int flags, int limit) {
    if (!extents.isEmpty()) {
      Extent last = extents.get(extents.size() - 1);
      if (last.flags() == flags) {
        extents.set(extents.size() - 1, new Extent(last.length() + length, flags));
        return true;
      }
    }
    if (extents.size() >= limit) {
      return false;
    }
    extents.add(new Extent(length, flags));
    return true;
  }
}
