package io.pxlite.journal.event;

import java.nio.ByteBuffer;

/** A change to a volume, as it is recorded in a replica group's log. */
public sealed interface VolumeEvent {
  /** The volume the event changes (for snapshot deletion: the snapshot id). */
  long targetId();

  /** A new empty volume. */
  record CreateVolume(long volumeId, long sizeBytes) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }

  /** Bytes written at an offset; {@code data} is read from its position to its limit. */
  record Write(long volumeId, long offset, ByteBuffer data) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }

  /** A range that now reads as zeros and holds no space (TRIM and WRITE_ZEROES). */
  record Zero(long volumeId, long offset, long length) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }

  record Resize(long volumeId, long sizeBytes) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }

  /** Freezes the volume's contents as of this event's log index. */
  record Snapshot(long volumeId, long snapshotId) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }

  record DeleteSnapshot(long snapshotId) implements VolumeEvent {
    @Override
    public long targetId() {
      return snapshotId;
    }
  }

  /**
   * Several events committed as one log entry: the group-commit unit of the write path. Part
   * {@code i} of the entry is applied at its own position, so replay after a crash is exact.
   */
  record Batch(java.util.List<VolumeEvent> events) implements VolumeEvent {
    public Batch {
      events = java.util.List.copyOf(events);
    }

    @Override
    public long targetId() {
      return events.isEmpty() ? 0 : events.get(0).targetId();
    }
  }

  record DeleteVolume(long volumeId) implements VolumeEvent {
    @Override
    public long targetId() {
      return volumeId;
    }
  }
}
