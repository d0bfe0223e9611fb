package io.pxlite.store;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Read access to one volume's current contents, or to a snapshot of it. Cheap to obtain; reads
 * see every mutation applied before the read started.
 */
public interface BlockView {
  /** The volume id, or the snapshot id for a snapshot view. */
  long id();

  long sizeBytes();

  boolean readOnly();

  /**
   * Fills {@code dst} from its position to its limit with the bytes at {@code offset}. Holes read as
   * zeros. Unaligned offsets and lengths are allowed. The position of {@code dst} is left unchanged.
   *
   * @throws OutOfRangeException if the range goes past the end
   * @throws ChecksumMismatchException if a stored block fails its CRC32C check
   */
  void read(long offset, ByteBuffer dst);

  /** The data and hole runs covering {@code [offset, offset+length)}, in order, merged, clipped to the range. */
  List<Extent> allocation(long offset, long length);
}
