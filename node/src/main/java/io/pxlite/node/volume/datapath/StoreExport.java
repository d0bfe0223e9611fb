package io.pxlite.node.volume.datapath;

import io.pxlite.node.volume.OutcomeErrors;
import io.pxlite.journal.GroupLog;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.nbd.NbdExport;
import io.pxlite.store.BlockStore;
import io.pxlite.store.ChecksumMismatchException;
import io.pxlite.store.BlockView;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A volume or snapshot served over NBD from this node's replica. Writes and zeroes of a volume go
 * through {@link VolumeLogWriter}; a snapshot has no log and refuses them. Reads come from the local
 * block store once it has applied the volume's {@link ReadFloor} — at once on the group's leader,
 * after a short wait on a follower that lags a little; a replica that lags more is read through the
 * group until it has caught up.
 */
final class StoreExport implements NbdExport {
  /** How long a read waits for this replica to apply its floor before the group serves it instead. */
  static final long LAG_WAIT_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);

  private final String name;
  private final long id;
  private final BlockStore store;
  /** The volume's log and its writer; empty for a snapshot, which is read-only. */
  private final Optional<GroupLog> log;
  private final Optional<VolumeLogWriter> writer;
  private final ReadFloor floor;
  /** Bit-rot repair from the other replicas (volumes only). */
  private final Optional<ReplicaRepair> repair;
  /** Learned once per connection: a new connection must see writes acknowledged anywhere before it. */
  private volatile boolean floorKnown;
  /** Reads through the group, once this node no longer holds a replica (ha-update took it away). */
  private volatile RemoteExport remote;

  private StoreExport(String name, long id, BlockStore store, Optional<GroupLog> log, ReadFloor floor, String selfId) {
    this.name = name;
    this.id = id;
    this.store = store;
    this.log = log;
    this.writer = log.map(l -> new VolumeLogWriter(name, id, l, floor));
    this.floor = floor;
    this.floorKnown = log.isEmpty();
    this.repair = log.map(l -> new ReplicaRepair(store, l, selfId));
  }

  static StoreExport volume(String name, long volumeId, BlockStore store, GroupLog log, ReadFloor floor, String selfId) {
    return new StoreExport(name, volumeId, store, Optional.of(log), floor, selfId);
  }

  static StoreExport snapshot(String name, long snapshotId, BlockStore store) {
    return new StoreExport(name, snapshotId, store, Optional.empty(), new ReadFloor(), "");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String id() {
    return io.pxlite.node.volume.VolumeIds.format(id);
  }

  private BlockView view() {
    return store.view(id);
  }

  @Override
  public long sizeBytes() {
    return replicaGone() ? remote().sizeBytes() : view().sizeBytes();
  }

  /**
   * Whether this node stopped holding the volume while the export was open: its replica was moved
   * elsewhere ({@code volume ha-update}). The connection then goes on, reading through the group.
   */
  private boolean replicaGone() {
    return log.isPresent() && !store.hasVolume(id);
  }

  private RemoteExport remote() {
    RemoteExport r = remote;
    if (r == null) {
      r = RemoteExport.open(name, id, log.get());
      remote = r;
    }
    return r;
  }

  @Override
  public boolean readOnly() {
    return log.isEmpty();
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    if (replicaGone()) {
      remote().read(offset, dst);
      return;
    }
    boolean fresh;
    try {
      fresh = awaitFresh();
    } catch (RuntimeException e) {
      if (!replicaGone()) {
        throw e;
      }
      remote().read(offset, dst);
      return;
    }
    if (!fresh || storeFailedWithOthersToRead()) {
      // This replica lags the group (it just restarted, is catching up, or its store failed and it
      // applies nothing more): the group answers.
      remote().read(offset, dst);
      return;
    }
    try {
      try {
        view().read(offset, dst);
      } catch (ChecksumMismatchException e) {
        if (repair.isEmpty() || !repair.get().possible() || !repair.get().repair(name, id, offset, dst.remaining())) {
          throw e;
        }
        view().read(offset, dst);
      } catch (io.pxlite.store.StoreIOException e) {
        // A device that fails reads: another replica has the same bytes.
        if (repair.isEmpty() || !repair.get().possible() || !repair.get().readElsewhere(name, id, offset, dst, e)) {
          throw e;
        }
      }
      // The store fills without moving the position; the NBD port expects the buffer consumed.
      dst.position(dst.limit());
    } catch (io.pxlite.store.NoSuchVolumeException e) {
      if (!replicaGone()) {
        throw OutcomeErrors.translate(e, name);
      }
      remote().read(offset, dst);
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }

  /** This node's store failed: its replica is behind from then on, while another replica is not. */
  private boolean storeFailedWithOthersToRead() {
    return store.failure().isPresent() && repair.isPresent() && repair.get().possible();
  }

  /**
   * Whether this replica may serve a read now: it has applied the read floor, or does within
   * {@link #LAG_WAIT_NANOS}. A replica that lags longer (it just restarted and its group's leader has
   * not reached it yet, or it is catching up) is read through the group meanwhile, so it serves from
   * its first second without ever serving stale data.
   */
  private boolean awaitFresh() {
    if (log.isEmpty()) {
      return true;
    }
    if (!floorKnown) {
      floor.catchUpWith(log.get(), name);
      floorKnown = true;
    }
    return floor.reachedWithin(store, log.get().group().streamName(), LAG_WAIT_NANOS);
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    return writer.map(w -> w.write(offset, data)).orElseGet(this::readOnlyRefusal);
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return writer.map(w -> w.zero(offset, length)).orElseGet(this::readOnlyRefusal);
  }

  private CompletableFuture<Void> readOnlyRefusal() {
    return CompletableFuture.failedFuture(new NbdException(NbdError.EPERM, name + " is a snapshot and read-only"));
  }

  @Override
  public CompletableFuture<Void> flush() {
    // Every acknowledged write is already in a committed, fsynced log entry.
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<AllocationRun> allocation(long offset, long length) {
    if (replicaGone()) {
      return remote().allocation(offset, length);
    }
    if (!awaitFresh()) {
      return remote().allocation(offset, length);
    }
    try {
      return view().allocation(offset, length).stream()
          .map(e -> new AllocationRun(e.offset(), e.length(), e.hole()))
          .toList();
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }
}
