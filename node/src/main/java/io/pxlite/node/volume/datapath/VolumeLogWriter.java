package io.pxlite.node.volume.datapath;

import io.pxlite.node.volume.OutcomeErrors;
import io.pxlite.journal.GroupLog;
import io.pxlite.journal.RaftSettings;
import io.pxlite.journal.event.VolumeEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import io.pxlite.journal.event.EventOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The write side of a volume's export: NBD writes and zeroes become events in the volume's group
 * log and complete when the group committed and applied them. Each acknowledgement raises the
 * volume's {@link ReadFloor}, so reads on this node never miss an acknowledged write.
 */
final class VolumeLogWriter {
  /** About how long a leader hand-off takes: a transfer, or an election after a step-down. */
  private static final long UNHEALTHY_LEADER_RETRY_NANOS = TimeUnit.SECONDS.toNanos(15);
  private static final long UNHEALTHY_LEADER_RESEND_MILLIS = 200;
  private final String name;
  private final long id;
  private final GroupLog log;
  private final ReadFloor floor;

  VolumeLogWriter(String name, long id, GroupLog log, ReadFloor floor) {
    this.name = name;
    this.id = id;
    this.log = log;
    this.floor = floor;
  }

  CompletableFuture<Void> write(long offset, ByteBuffer data) {
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

  CompletableFuture<Void> zero(long offset, long length) {
    return submit(new VolumeEvent.Zero(id, offset, length));
  }

  private CompletableFuture<Void> submit(VolumeEvent event) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(event, done, System.nanoTime() + UNHEALTHY_LEADER_RETRY_NANOS);
    return done;
  }

  /**
   * An unhealthy leader (its store failed) refuses what it cannot apply, though the group committed
   * it and the healthy members applied it; it is handing its leadership over meanwhile. So the same
   * write is sent again, to the new leader, until {@code retryUntil}: writing the same bytes to the
   * same blocks once more changes nothing the client could tell, and the client gets its
   * acknowledgement instead of an error. A group with no other data member fails at once.
   */
  private void submit(VolumeEvent event, CompletableFuture<Void> done, long retryUntil) {
    log.submit(event).whenComplete((outcome, error) -> {
      try {
        if (error != null) {
          throw OutcomeErrors.translate(error, name);
        }
        if (outcome.code() == EventOutcome.Code.REPLICA_UNHEALTHY && otherDataMembers()
            && System.nanoTime() < retryUntil) {
          CompletableFuture.delayedExecutor(UNHEALTHY_LEADER_RESEND_MILLIS, TimeUnit.MILLISECONDS)
              .execute(() -> submit(event, done, retryUntil));
          return;
        }
        OutcomeErrors.check(outcome, name);
        floor.raise(outcome.logIndex());
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
  }

  private boolean otherDataMembers() {
    return log.group().peers().stream().filter(p -> !p.witness()).count() > 1;
  }
}
