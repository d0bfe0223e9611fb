package io.pxlite.statemachine;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.EventOutcome.Code;
import io.pxlite.journal.event.MalformedEventException;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.journal.event.VolumeEvent.CreateVolume;
import io.pxlite.journal.event.VolumeEvent.DeleteSnapshot;
import io.pxlite.journal.event.VolumeEvent.DeleteVolume;
import io.pxlite.journal.event.VolumeEvent.Resize;
import io.pxlite.journal.event.VolumeEvent.Snapshot;
import io.pxlite.journal.event.VolumeEvent.Write;
import io.pxlite.journal.event.VolumeEvent.Zero;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import io.pxlite.store.ChecksumMismatchException;
import io.pxlite.store.NoSuchVolumeException;
import io.pxlite.store.OutOfRangeException;
import io.pxlite.store.OutOfSpaceException;
import io.pxlite.store.ReadOnlyViewException;
import io.pxlite.store.VolumeExistsException;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one decoded event to the block store and turns what happened into an outcome. It
 * separates refusals every replica makes alike (recorded as applied) from local store failures
 * (which make this replica unhealthy and are not recorded, so a restart retries them).
 */
final class EventApplier {
  private static final Logger LOG = LoggerFactory.getLogger(EventApplier.class);

  private final BlockStore store;
  private volatile String unhealthy;
  /** Told once, when this replica turns unhealthy. */
  private final Runnable onUnhealthy;

  EventApplier(BlockStore store) {
    this(store, () -> {});
  }

  EventApplier(BlockStore store, Runnable onUnhealthy) {
    this.store = store;
    this.onUnhealthy = onUnhealthy;
  }

  /** Why this replica stopped applying, or null while it is healthy. */
  String unhealthyReason() {
    return unhealthy;
  }

  /**
   * Applies a log entry's bytes: one event at part 0, or a batch's events at parts 0..n-1.
   *
   * @return the encoded outcome (a list of outcomes for a batch)
   */
  ByteString applyEntry(ApplyPosition at, ByteString entry) {
    VolumeEvent event;
    try {
      event = EventCodec.decode(entry);
    } catch (MalformedEventException e) {
      if (unhealthy != null) {
        return EventOutcome.failed(Code.REPLICA_UNHEALTHY, unhealthy).encode();
      }
      return refused(at, Code.MALFORMED, e).encode();
    }
    if (event instanceof VolumeEvent.Batch batch) {
      List<VolumeEvent> events = batch.events();
      List<EventOutcome> outcomes = new ArrayList<>(events.size());
      for (int part = 0; part < events.size(); ) {
        int end = WriteRuns.endOfRun(events, part);
        if (end - part > 1 && applyRun(at, events, part, end)) {
          for (int i = part; i < end; i++) {
            outcomes.add(EventOutcome.ok());
          }
        } else {
          // A single event, or a run not applied as a whole (refused, or this replica is unhealthy):
          // each part gets its own outcome.
          for (int i = part; i < end; i++) {
            outcomes.add(apply(at.part(i), events.get(i)));
          }
        }
        part = end;
      }
      return EventOutcome.encodeAll(outcomes);
    }
    return apply(at, event).encode();
  }

  /**
   * Applies writes {@code [from, to)} of a batch as one change.
   *
   * @return true if they were applied; false if the store refused them (nothing applied: the caller
   *     applies them one by one for their outcomes) or this replica is, or just turned, unhealthy
   */
  private boolean applyRun(ApplyPosition at, List<VolumeEvent> events, int from, int to) {
    if (unhealthy != null) {
      return false;
    }
    try {
      store.writeAll(at.part(from), ((Write) events.get(from)).volumeId(), WriteRuns.writesOf(events, from, to));
      return true;
    } catch (MalformedEventException | OutOfRangeException | NoSuchVolumeException | OutOfSpaceException
        | ReadOnlyViewException | ChecksumMismatchException e) {
      return false;
    } catch (RuntimeException e) {
      markUnhealthy(at.part(from), "applying", e);
      return false;
    }
  }

  EventOutcome apply(ApplyPosition at, VolumeEvent event) {
    if (unhealthy != null) {
      return EventOutcome.failed(Code.REPLICA_UNHEALTHY, unhealthy);
    }
    try {
      dispatch(at, event);
      return EventOutcome.ok();
    } catch (MalformedEventException e) {
      return refused(at, Code.MALFORMED, e);
    } catch (OutOfRangeException e) {
      return refused(at, Code.OUT_OF_RANGE, e);
    } catch (NoSuchVolumeException e) {
      return refused(at, Code.NO_SUCH_VOLUME, e);
    } catch (VolumeExistsException e) {
      return refused(at, Code.ALREADY_EXISTS, e);
    } catch (OutOfSpaceException e) {
      return refused(at, Code.NO_SPACE, e);
    } catch (ReadOnlyViewException e) {
      return refused(at, Code.READ_ONLY, e);
    } catch (ChecksumMismatchException e) {
      // A partial-block write could not read the block it merges into; the block stays as it was.
      return refused(at, Code.IO_ERROR, e);
    } catch (RuntimeException e) {
      // StoreIOException, or a bug: either way this replica can no longer vouch for its state.
      return EventOutcome.failed(Code.REPLICA_UNHEALTHY, markUnhealthy(at, "applying", e));
    }
  }

  /**
   * Makes this replica refuse every later event, logging the cause once (the first time): an
   * exception out of the state machine would kill the node's Ratis server, every group with it.
   *
   * @return why the replica is unhealthy (the first cause, if it already was)
   */
  String markUnhealthy(ApplyPosition at, String doing, RuntimeException e) {
    synchronized (this) {
      if (unhealthy != null) {
        return unhealthy;
      }
      unhealthy = "replica stopped " + doing + " at log index " + at.index() + " of group " + at.stream() + ": " + e.getMessage();
    }
    LOG.error("{}; it refuses further events until restarted (a restart replays from its durable position)", unhealthy, e);
    onUnhealthy.run();
    return unhealthy;
  }

  /**
   * Makes this replica refuse every later event because its store failed elsewhere (another group's
   * apply, a checkpoint): it could not apply them anyway, and must not answer reads it is behind on.
   */
  void storeFailed(String reason, String stream) {
    synchronized (this) {
      if (unhealthy != null) {
        return;
      }
      unhealthy = "replica of group " + stream + " stopped applying: " + reason;
    }
    LOG.warn("{}; it refuses further events until restarted (a restart replays from its durable position)", unhealthy);
    onUnhealthy.run();
  }

  private void dispatch(ApplyPosition at, VolumeEvent event) {
    if (event instanceof Write e) {
      store.write(at, e.volumeId(), e.offset(), e.data());
    } else if (event instanceof Zero e) {
      store.zero(at, e.volumeId(), e.offset(), e.length());
    } else if (event instanceof CreateVolume e) {
      store.createVolume(at, e.volumeId(), e.sizeBytes());
    } else if (event instanceof Resize e) {
      store.resize(at, e.volumeId(), e.sizeBytes());
    } else if (event instanceof Snapshot e) {
      store.snapshot(at, e.volumeId(), e.snapshotId());
    } else if (event instanceof DeleteSnapshot e) {
      store.deleteSnapshot(at, e.snapshotId());
    } else if (event instanceof DeleteVolume e) {
      store.deleteVolume(at, e.volumeId());
    } else {
      throw new MalformedEventException("no handler for " + event);
    }
  }

  private EventOutcome refused(ApplyPosition at, Code code, RuntimeException e) {
    if (code == Code.NO_SPACE || code == Code.IO_ERROR || code == Code.MALFORMED || code == Code.NO_SUCH_VOLUME) {
      // Local conditions, not decided by the event (another replica may have applied it), or an event
      // pxlite's own writers never make: either way the log says why this replica skipped it.
      LOG.warn("group {}: refused the event at log index {} part {}: {} ({})", at.stream(), at.index(), at.part(), code,
          e.getMessage());
    }
    try {
      store.recordApplied(at);
    } catch (RuntimeException recordFailure) {
      // The refusal stands for every replica, but this one could not record it: it is unhealthy.
      return EventOutcome.failed(Code.REPLICA_UNHEALTHY, markUnhealthy(at, "recording a refused event", recordFailure));
    }
    return EventOutcome.failed(code, e.getMessage());
  }

  /** Moves the applied position past an entry that changes nothing here; a failure marks the replica unhealthy. */
  void recordApplied(ApplyPosition at) {
    if (unhealthy != null) {
      return;
    }
    try {
      store.recordApplied(at);
    } catch (RuntimeException e) {
      markUnhealthy(at, "recording its applied position", e);
    }
  }
}
