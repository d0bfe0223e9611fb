package io.pxlite.node.volume.datapath;

import io.pxlite.journal.GroupLog;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.store.BlockStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How far this node's replica must have applied a group's log before it may serve a read: the
 * highest index of any write acknowledged here, and, from the first read of a connection on, the
 * group's applied index at that moment (which covers writes acknowledged on other nodes). A follower
 * replica can lag its leader; waiting for this floor is what keeps reads from ever being stale.
 */
final class ReadFloor {
  static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final AtomicLong index = new AtomicLong(-1);

  void raise(long logIndex) {
    index.accumulateAndGet(logIndex, Math::max);
  }

  /** Raises the floor to the group's current applied index (a linearizable read of the group). */
  void catchUpWith(GroupLog log, String export) {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (true) {
      try {
        raise(log.appliedIndex().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NbdException(NbdError.EIO, export + ": interrupted learning how far the replica group has applied");
      } catch (Exception e) {
        // A leadership handover closes the read's stream without a reply; ask again, within the budget.
        if (System.nanoTime() > deadline) {
          throw new NbdException(NbdError.EIO, export + ": cannot learn how far the replica group has applied: " + e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  /**
   * Waits up to {@code nanos} until {@code store} has applied the floor of {@code stream}.
   *
   * @return whether it has; if not, the read must not be served from this replica
   */
  boolean reachedWithin(BlockStore store, String stream, long nanos) {
    long target = index.get();
    long deadline = System.nanoTime() + nanos;
    while (store.applied(stream).index() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(100_000);
    }
    return true;
  }
}
