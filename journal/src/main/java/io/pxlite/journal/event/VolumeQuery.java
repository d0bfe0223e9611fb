package io.pxlite.journal.event;

import java.nio.ByteBuffer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A read-only question to a replica group, answered by a replica's state machine from its store
 * after the group confirmed it is current (Ratis linearizable read). Used where the asking node
 * holds no replica of the volume, and to learn how far a replica must have applied before a local
 * read is fresh.
 */
public sealed interface VolumeQuery {
  /** The answering replica's applied log index: every write acknowledged so far is at or below it. */
  record AppliedIndex() implements VolumeQuery {}

  /** A volume's size in bytes (8 bytes, big-endian), or an empty answer when there is no such volume. */
  record Size(long volumeId) implements VolumeQuery {}

  /** {@code length} bytes of a volume from {@code offset} (zeroes where nothing was written). */
  record Read(long volumeId, long offset, int length) implements VolumeQuery {}

  byte APPLIED_INDEX = 1;
  byte SIZE = 2;
  byte READ = 3;

  static ByteString encode(VolumeQuery q) {
    ByteBuffer b = ByteBuffer.allocate(1 + 2 * Long.BYTES + Integer.BYTES);
    if (q instanceof AppliedIndex) {
      b.put(APPLIED_INDEX);
    } else if (q instanceof Size s) {
      b.put(SIZE).putLong(s.volumeId());
    } else if (q instanceof Read r) {
      b.put(READ).putLong(r.volumeId()).putLong(r.offset()).putInt(r.length());
    }
    b.flip();
    return ByteString.copyFrom(b);
  }

  /** @throws MalformedEventException if the bytes are not a query */
  static VolumeQuery decode(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    try {
      byte type = b.get();
      return switch (type) {
        case APPLIED_INDEX -> new AppliedIndex();
        case SIZE -> new Size(b.getLong());
        case READ -> new Read(b.getLong(), b.getLong(), b.getInt());
        default -> throw new MalformedEventException("unknown query type " + type);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedEventException("truncated query of " + bytes.size() + " bytes");
    }
  }
}
