package io.pxlite.node.volume;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.RaftSettings;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.nbd.NbdExport;
import io.pxlite.store.BlockStore;
import io.pxlite.store.BlockView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A volume or snapshot served over NBD. Writes and zeroes of a volume become events in its
 * replica-group log and complete when committed and applied; a snapshot has no log and refuses
 * them. Reads come from this node's block store, which has applied every acknowledged write because
 * acknowledgement waits for the local apply.
 */
final class StoreExport implements NbdExport {
  private final String name;
  private final long id;
  private final BlockStore store;
  /** The volume's log; empty for a snapshot, which is read-only. */
  private final Optional<GroupLog> log;

  private StoreExport(String name, long id, BlockStore store, Optional<GroupLog> log) {
    this.name = name;
    this.id = id;
    this.store = store;
    this.log = log;
  }

  static StoreExport volume(String name, long volumeId, BlockStore store, GroupLog log) {
    return new StoreExport(name, volumeId, store, Optional.of(log));
  }

  static StoreExport snapshot(String name, long snapshotId, BlockStore store) {
    return new StoreExport(name, snapshotId, store, Optional.empty());
  }

  @Override
  public String name() {
    return name;
  }

  private BlockView view() {
    return store.view(id);
  }

  @Override
  public long sizeBytes() {
    return view().sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return log.isEmpty();
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    try {
      view().read(offset, dst);
      // The store fills without moving the position; the NBD port expects the buffer consumed.
      dst.position(dst.limit());
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    // Large writes become several events: each log entry stays within the Raft batch limits.
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    ByteBuffer rest = data.slice();
    long at = offset;
    while (rest.hasRemaining()) {
      int n = Math.min(rest.remaining(), RaftSettings.MAX_EVENT_BYTES);
      parts.add(submit(new VolumeEvent.Write(id, at, rest.slice().limit(n))));
      rest.position(rest.position() + n);
      at += n;
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return submit(new VolumeEvent.Zero(id, offset, length));
  }

  @Override
  public CompletableFuture<Void> flush() {
    // Every acknowledged write is already in a committed, fsynced log entry.
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<AllocationRun> allocation(long offset, long length) {
    try {
      return view().allocation(offset, length).stream()
          .map(e -> new AllocationRun(e.offset(), e.length(), e.hole()))
          .toList();
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }

  private CompletableFuture<Void> submit(VolumeEvent event) {
    if (log.isEmpty()) {
      return CompletableFuture.failedFuture(
          new NbdException(NbdError.EPERM, name + " is a snapshot and read-only"));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    log.get().submit(event).whenComplete((outcome, error) -> {
      try {
        if (error != null) {
          throw OutcomeErrors.translate(error, name);
        }
        OutcomeErrors.check(outcome, name);
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }
}
