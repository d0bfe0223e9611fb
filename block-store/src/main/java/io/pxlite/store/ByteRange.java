package io.pxlite.store;

/** A byte range of a volume and the blocks it touches. */
public record ByteRange(long offset, long length) {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  /**
   * The range {@code [offset, offset+length)} of a volume of {@code size} bytes.
   *
   * @throws OutOfRangeException if it is negative or reaches past the end
   */
  public static ByteRange within(long offset, long length, long size, String what, String kind, long id) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new OutOfRangeException(what + " of " + length + " bytes at offset " + offset
          + " is outside " + kind + " " + id + " of " + size + " bytes");
    }
    return new ByteRange(offset, length);
  }

  long end() {
    return offset + length;
  }

  long firstBlock() {
    return offset / BLOCK;
  }

  /** The block after the last one the range touches. */
  long endBlock() {
    return length == 0 ? firstBlock() : (end() - 1) / BLOCK + 1;
  }
}
