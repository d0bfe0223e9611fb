package io.pxlite.journal.event;

import io.pxlite.journal.event.VolumeEvent.Batch;
import io.pxlite.journal.event.VolumeEvent.CreateVolume;
import io.pxlite.journal.event.VolumeEvent.DeleteSnapshot;
import io.pxlite.journal.event.VolumeEvent.DeleteVolume;
import io.pxlite.journal.event.VolumeEvent.Resize;
import io.pxlite.journal.event.VolumeEvent.Snapshot;
import io.pxlite.journal.event.VolumeEvent.Write;
import io.pxlite.journal.event.VolumeEvent.Zero;
import java.nio.ByteBuffer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Encodes events into log-entry bytes and back. Layout: format byte, type byte, the fixed fields
 * big-endian, then (for writes) the payload; a batch is its count, then each part's length and
 * encoding. Encoding copies a write's payload once (see {@link #encode}); decoding copies nothing
 * (read-only views of the entry), because payloads are the bulk of every log entry.
 */
public final class EventCodec {
  static final byte FORMAT = 1;

  private static final byte CREATE = 1;
  private static final byte WRITE = 2;
  private static final byte ZERO = 3;
  private static final byte RESIZE = 4;
  private static final byte SNAPSHOT = 5;
  private static final byte DELETE_SNAPSHOT = 6;
  private static final byte DELETE_VOLUME = 7;
  private static final byte BATCH = 8;

  private EventCodec() {}

  /**
   * The encoded event, in one flat array: a write's payload is copied, never wrapped. The caller's
   * buffer (an NBD request's pooled memory) is reused once the write is acknowledged, while Ratis
   * still holds the entry (for a follower that lags, and for the leader's own log file when two
   * followers made it committed first); a wrapped payload let those see whatever the buffer held
   * next: replicas that silently differ. One array, not a chain of pieces, so that decoding (and
   * Ratis serialising) reads it in place.
   */
  public static ByteString encode(VolumeEvent event) {
    ByteBuffer out = ByteBuffer.allocate(encodedSize(event));
    writeTo(out, event);
    return UnsafeByteOperations.unsafeWrap(out.array());
  }

  private static int encodedSize(VolumeEvent event) {
    if (event instanceof Batch b) {
      int size = 2 + Integer.BYTES;
      for (VolumeEvent e : b.events()) {
        if (e instanceof Batch) {
          throw new IllegalArgumentException("batches do not nest");
        }
        size += Integer.BYTES + encodedSize(e);
      }
      return size;
    }
    int fields = event instanceof Zero ? 3 : event instanceof DeleteSnapshot || event instanceof DeleteVolume ? 1 : 2;
    return 2 + fields * Long.BYTES + (event instanceof Write w ? w.data().remaining() : 0);
  }

  private static void writeTo(ByteBuffer out, VolumeEvent event) {
    out.put(FORMAT);
    if (event instanceof Batch b) {
      out.put(BATCH).putInt(b.events().size());
      for (VolumeEvent e : b.events()) {
        int lengthAt = out.position();
        out.position(lengthAt + Integer.BYTES);
        writeTo(out, e);
        out.putInt(lengthAt, out.position() - lengthAt - Integer.BYTES);
      }
    } else if (event instanceof CreateVolume e) {
      out.put(CREATE).putLong(e.volumeId()).putLong(e.sizeBytes());
    } else if (event instanceof Write e) {
      out.put(WRITE).putLong(e.volumeId()).putLong(e.offset()).put(e.data().slice());
    } else if (event instanceof Zero e) {
      out.put(ZERO).putLong(e.volumeId()).putLong(e.offset()).putLong(e.length());
    } else if (event instanceof Resize e) {
      out.put(RESIZE).putLong(e.volumeId()).putLong(e.sizeBytes());
    } else if (event instanceof Snapshot e) {
      out.put(SNAPSHOT).putLong(e.volumeId()).putLong(e.snapshotId());
    } else if (event instanceof DeleteSnapshot e) {
      out.put(DELETE_SNAPSHOT).putLong(e.snapshotId());
    } else if (event instanceof DeleteVolume e) {
      out.put(DELETE_VOLUME).putLong(e.volumeId());
    } else {
      throw new IllegalArgumentException("no encoding for " + event);
    }
  }

  /**
   * Decodes an entry written by {@link #encode}.
   *
   * @throws MalformedEventException if the bytes are not an event of a known format
   */
  public static VolumeEvent decode(ByteString bytes) {
    ByteBuffer in = bytes.asReadOnlyByteBuffer();
    try {
      byte format = in.get();
      if (format != FORMAT) {
        throw new MalformedEventException("unknown event format " + format + " (this build reads " + FORMAT + ")");
      }
      byte type = in.get();
      return switch (type) {
        case CREATE -> new CreateVolume(in.getLong(), in.getLong());
        case WRITE -> new Write(in.getLong(), in.getLong(), in.slice());
        case ZERO -> new Zero(in.getLong(), in.getLong(), in.getLong());
        case RESIZE -> new Resize(in.getLong(), in.getLong());
        case SNAPSHOT -> new Snapshot(in.getLong(), in.getLong());
        case DELETE_SNAPSHOT -> new DeleteSnapshot(in.getLong());
        case DELETE_VOLUME -> new DeleteVolume(in.getLong());
        case BATCH -> decodeBatch(bytes, in);
        default -> throw new MalformedEventException("unknown event type " + type);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedEventException("event truncated at " + bytes.size() + " bytes", e);
    }
  }

  private static Batch decodeBatch(ByteString bytes, ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > bytes.size()) {
      throw new MalformedEventException("batch of " + count + " events in " + bytes.size() + " bytes");
    }
    java.util.List<VolumeEvent> events = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new MalformedEventException("batch part " + i + " claims " + length + " bytes, " + in.remaining() + " left");
      }
      int start = in.position();
      VolumeEvent e = decode(bytes.substring(start, start + length));
      if (e instanceof Batch) {
        throw new MalformedEventException("batches do not nest");
      }
      events.add(e);
      in.position(start + length);
    }
    return new Batch(events);
  }
}
