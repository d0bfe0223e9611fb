package io.pxlite.node.volume;

import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.nbd.NbdExport;
import io.pxlite.store.BlockStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A snapshot served over NBD: read-only, straight from the block store's frozen versions. */
final class SnapshotExport implements NbdExport {
  private final String name;
  private final long snapshotId;
  private final BlockStore store;

  SnapshotExport(String name, long snapshotId, BlockStore store) {
    this.name = name;
    this.snapshotId = snapshotId;
    this.store = store;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long sizeBytes() {
    return store.view(snapshotId).sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    try {
      store.view(snapshotId).read(offset, dst);
      // The store fills without moving the position; the NBD port expects a filled buffer consumed to its limit.
      dst.position(dst.limit());
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    return CompletableFuture.failedFuture(readOnly("write"));
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return CompletableFuture.failedFuture(readOnly("zero"));
  }

  private NbdException readOnly(String what) {
    return new NbdException(NbdError.EPERM, name + " is a snapshot and read-only: cannot " + what);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<AllocationRun> allocation(long offset, long length) {
    try {
      return store.view(snapshotId).allocation(offset, length).stream()
          .map(e -> new AllocationRun(e.offset(), e.length(), e.hole()))
          .toList();
    } catch (RuntimeException e) {
      throw OutcomeErrors.translate(e, name);
    }
  }
}
