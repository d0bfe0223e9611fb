package io.pxlite.node.volume;

import io.pxlite.api.VolumeRestoreView;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdExport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Brings a volume back to a snapshot of it by writing, through the volume's log like any client's
 * write, every MiB where the two differ: a MiB that is all hole in the snapshot (or past its end) is
 * zeroed, releasing its space, if the volume reads anything but zeros there; any other MiB that
 * reads differently is written whole. So a restore costs a read of both and replicates only what changed since the
 * snapshot, every replica ends byte-identical through the log, and a restore cut short (a crash, a
 * lost quorum) leaves a volume that a repeated restore finishes.
 */
final class SnapshotRestore {
  static final int CHUNK_BYTES = 1 << 20;
  /** Writes in flight at once: enough to keep the group's log busy without holding much memory. */
  static final int IN_FLIGHT = 8;

  private final NbdExport volume;
  private final NbdExport snapshot;
  private final long snapshotBytes;

  /** {@code snapshotBytes}: the snapshot's size; the volume may have grown since. */
  SnapshotRestore(NbdExport volume, NbdExport snapshot, long snapshotBytes) {
    this.volume = volume;
    this.snapshot = snapshot;
    this.snapshotBytes = snapshotBytes;
  }

  VolumeRestoreView run() throws InterruptedException {
    long started = System.nanoTime();
    long size = volume.sizeBytes();
    long written = 0;
    long zeroed = 0;
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    ByteBuffer current = ByteBuffer.allocate(CHUNK_BYTES);
    for (long offset = 0; offset < size; offset += CHUNK_BYTES) {
      int length = (int) Math.min(CHUNK_BYTES, size - offset);
      CompletableFuture<Void> change;
      if (holeInSnapshot(offset, length)) {
        // An allocation answered without a fresh local replica says "data" everywhere: read to be sure.
        if (allHole(volume.allocation(offset, length)) || allZero(readVolume(offset, length, current))) {
          continue;
        }
        slots.acquire();
        change = volume.zero(offset, length);
        zeroed += length;
      } else {
        ByteBuffer wanted = ByteBuffer.allocate(length);
        // Past the snapshot's end (the volume grew since) the volume is to read zeros.
        snapshot.read(offset, wanted.limit((int) Math.min(length, snapshotBytes - offset)));
        wanted.clear();
        if (wanted.equals(readVolume(offset, length, current))) {
          continue;
        }
        slots.acquire();
        change = volume.write(offset, wanted);
        written += length;
      }
      long at = offset;
      pending.add(change.whenComplete((ok, failure) -> slots.release())
          .exceptionally(failure -> {
            throw new RestoreFailedException(at, failure);
          }));
      pending.removeIf(f -> f.isDone() && !f.isCompletedExceptionally());
      failFast(pending);
    }
    await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    await(volume.flush());
    return new VolumeRestoreView(volume.name(), snapshot.name(), size, written, zeroed,
        (System.nanoTime() - started) / 1_000_000);
  }

  private ByteBuffer readVolume(long offset, int length, ByteBuffer into) {
    into.clear().limit(length);
    volume.read(offset, into);
    return into.flip();
  }

  private static boolean allZero(ByteBuffer b) {
    int i = b.position();
    for (; i + Long.BYTES <= b.limit(); i += Long.BYTES) {
      if (b.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < b.limit(); i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the snapshot reads as zeros over the whole range: a hole there, or past its end. */
  private boolean holeInSnapshot(long offset, int length) {
    if (offset >= snapshotBytes) {
      return true;
    }
    if (offset + length > snapshotBytes) {
      return false; // a MiB the snapshot ends within: compared and written like any other
    }
    return allHole(snapshot.allocation(offset, length));
  }

  private static boolean allHole(List<AllocationRun> runs) {
    return runs.stream().allMatch(AllocationRun::hole);
  }

  /** Stops at the first write that failed rather than comparing the rest of the volume first. */
  private static void failFast(List<CompletableFuture<Void>> pending) {
    for (CompletableFuture<Void> f : pending) {
      if (f.isCompletedExceptionally()) {
        await(f);
      }
    }
  }

  private static void await(CompletableFuture<Void> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailedException(-1, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RestoreFailedException r ? r : new RestoreFailedException(-1, e.getCause());
    }
  }

  /** A write or zero of the restore failed; the volume holds a partial restore until it is repeated. */
  static final class RestoreFailedException extends RuntimeException {
    RestoreFailedException(long offset, Throwable cause) {
      super((offset >= 0 ? "writing at byte " + offset + " failed: " : "")
          + (cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause).getMessage(),
          cause);
    }
  }
}
