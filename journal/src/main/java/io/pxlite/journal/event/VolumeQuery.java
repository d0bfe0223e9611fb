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

  /**
   * Rebuilding a replica, asked of one healthy member: freeze everything the group holds in that
   * member's store at a whole log entry, and describe it (an export session the next queries read).
   */
  record ExportOpen() implements VolumeQuery {}

  /** Up to {@code maxVersions} stored block versions of a volume of an export, from (block, version). */
  record ExportRead(long session, long volumeId, long block, long version, int maxVersions) implements VolumeQuery {}

  /** Ends an export session, letting its member reuse the space the frozen view held. */
  record ExportClose(long session) implements VolumeQuery {}

  /** How far this member's rebuild (if one runs) has come. */
  record RebuildStatus() implements VolumeQuery {}

  byte APPLIED_INDEX = 1;
  byte SIZE = 2;
  byte READ = 3;
  byte EXPORT_OPEN = 4;
  byte EXPORT_READ = 5;
  byte EXPORT_CLOSE = 6;
  byte REBUILD_STATUS = 7;

  static ByteString encode(VolumeQuery q) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 * Long.BYTES + Integer.BYTES);
    if (q instanceof AppliedIndex) {
      b.put(APPLIED_INDEX);
    } else if (q instanceof Size s) {
      b.put(SIZE).putLong(s.volumeId());
    } else if (q instanceof Read r) {
      b.put(READ).putLong(r.volumeId()).putLong(r.offset()).putInt(r.length());
    } else if (q instanceof ExportOpen) {
      b.put(EXPORT_OPEN);
    } else if (q instanceof ExportRead r) {
      b.put(EXPORT_READ).putLong(r.session()).putLong(r.volumeId()).putLong(r.block()).putLong(r.version())
          .putInt(r.maxVersions());
    } else if (q instanceof ExportClose c) {
      b.put(EXPORT_CLOSE).putLong(c.session());
    } else if (q instanceof RebuildStatus) {
      b.put(REBUILD_STATUS);
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
        case EXPORT_OPEN -> new ExportOpen();
        case EXPORT_READ -> new ExportRead(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getInt());
        case EXPORT_CLOSE -> new ExportClose(b.getLong());
        case REBUILD_STATUS -> new RebuildStatus();
        default -> throw new MalformedEventException("unknown query type " + type);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedEventException("truncated query of " + bytes.size() + " bytes");
    }
  }
}
