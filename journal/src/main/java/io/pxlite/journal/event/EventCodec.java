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

/**
 * Encodes events into log-entry bytes and back. Layout: format byte, type byte, the fixed fields
 * big-endian, then (for writes) the payload. Write payloads are neither copied on encode (the
 * caller's buffer is wrapped) nor on decode (a read-only view of the entry), because they are the
 * bulk of every log entry.
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

  /** The encoded event; for a write, {@code data} is wrapped, so it must not change until sent. */
  public static ByteString encode(VolumeEvent event) {
    if (event instanceof Batch b) {
      return encodeBatch(b);
    }
    ByteBuffer head = ByteBuffer.allocate(2 + 3 * Long.BYTES);
    head.put(FORMAT);
    if (event instanceof CreateVolume e) {
      head.put(CREATE).putLong(e.volumeId()).putLong(e.sizeBytes());
    } else if (event instanceof Write e) {
      head.put(WRITE).putLong(e.volumeId()).putLong(e.offset());
    } else if (event instanceof Zero e) {
      head.put(ZERO).putLong(e.volumeId()).putLong(e.offset()).putLong(e.length());
    } else if (event instanceof Resize e) {
      head.put(RESIZE).putLong(e.volumeId()).putLong(e.sizeBytes());
    } else if (event instanceof Snapshot e) {
      head.put(SNAPSHOT).putLong(e.volumeId()).putLong(e.snapshotId());
    } else if (event instanceof DeleteSnapshot e) {
      head.put(DELETE_SNAPSHOT).putLong(e.snapshotId());
    } else if (event instanceof DeleteVolume e) {
      head.put(DELETE_VOLUME).putLong(e.volumeId());
    } else {
      throw new IllegalArgumentException("no encoding for " + event);
    }
    head.flip();
    ByteString encoded = ByteString.copyFrom(head);
    if (event instanceof Write w) {
      // Copied, never wrapped: the caller's buffer (an NBD request's pooled memory) is reused once the
      // write is acknowledged, while Ratis still holds the entry — for a follower that lags, and for
      // the leader's own log file when two followers made it committed first. A wrapped payload let
      // those see whatever the buffer held next: replicas that silently differ.
      encoded = encoded.concat(ByteString.copyFrom(w.data().slice()));
    }
    return encoded;
  }

  private static ByteString encodeBatch(Batch batch) {
    ByteString out = ByteString.copyFrom(new byte[] {FORMAT, BATCH})
        .concat(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0, batch.events().size())));
    for (VolumeEvent e : batch.events()) {
      if (e instanceof Batch) {
        throw new IllegalArgumentException("batches do not nest");
      }
      ByteString part = encode(e);
      out = out.concat(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0, part.size()))).concat(part);
    }
    return out;
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
