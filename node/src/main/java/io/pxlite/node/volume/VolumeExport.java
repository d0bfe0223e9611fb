package io.pxlite.node.volume;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.RaftSettings;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdExport;
import io.pxlite.store.BlockStore;
import io.pxlite.store.BlockView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A volume served over NBD: writes and zeroes become events in the volume's replica-group log and
 * complete when committed and applied; reads come from this node's block store, which has applied
 * every acknowledged write because acknowledgement waits for the local apply.
 */
final class VolumeExport implements NbdExport {
  private final String name;
  private final long volumeId;
  private final GroupLog log;
  private final BlockStore store;

  VolumeExport(String name, long volumeId, GroupLog log, BlockStore store) {
    this.name = name;
    this.volumeId = volumeId;
    this.log = log;
    this.store = store;
  }

  @Override
  public String name() {
    return name;
  }

  private BlockView view() {
    return store.view(volumeId);
  }

  @Override
  public long sizeBytes() {
    return view().sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    try {
      view().read(offset, dst);
      // The store fills without moving the position; the NBD port expects a filled buffer consumed to its limit.
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
      ByteBuffer part = rest.slice().limit(n);
      parts.add(submit(new VolumeEvent.Write(volumeId, at, part)));
      rest.position(rest.position() + n);
      at += n;
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return submit(new VolumeEvent.Zero(volumeId, offset, length));
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
    CompletableFuture<Void> done = new CompletableFuture<>();
    log.submit(event).whenComplete((outcome, error) -> {
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
