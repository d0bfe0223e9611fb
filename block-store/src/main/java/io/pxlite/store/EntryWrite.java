package io.pxlite.store;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One of the writes to a volume that {@link BlockStore#writeAll} applies as one change: {@code data}
 * (position to limit, left unchanged) at byte {@code offset}.
 */
public record EntryWrite(long offset, ByteBuffer data) {
  public EntryWrite {
    Objects.requireNonNull(data, "data");
  }
}
