package io.pxlite.node.volume.qos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One direction (reads or writes) of a volume's limits: an IOPS bucket and a bandwidth bucket, both
 * of which a request must pass, and the requests waiting for them in arrival order. One timer task
 * at a time wakes the first waiter when its tokens will be there.
 */
final class DirectionLimit {
  private final LongSupplier clock;
  private final ScheduledExecutorService timer;
  private final TokenBucket ops;
  private final TokenBucket bytes;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private ScheduledFuture<?> wake;
  private volatile boolean unlimited;

  private record Waiter(long bytes, CompletableFuture<Void> admitted) {}

  DirectionLimit(long iops, long bytesPerSecond, ScheduledExecutorService timer, LongSupplier clock) {
    this.clock = clock;
    this.timer = timer;
    long now = clock.getAsLong();
    this.ops = new TokenBucket(iops, now);
    this.bytes = new TokenBucket(bytesPerSecond, now);
    this.unlimited = iops == 0 && bytesPerSecond == 0;
  }

  /** True when neither bucket limits: requests skip this limit without taking its lock. */
  boolean unlimited() {
    return unlimited;
  }

  /** Null when a request of {@code n} bytes may start now; else a future completed when it may. */
  CompletableFuture<Void> admit(long n) {
    synchronized (this) {
      long now = clock.getAsLong();
      if (waiting.isEmpty() && waitNanos(n, now) == 0) {
        take(n);
        return null;
      }
      CompletableFuture<Void> admitted = new CompletableFuture<>();
      waiting.add(new Waiter(n, admitted));
      if (wake == null) {
        schedule(waitNanos(waiting.peek().bytes(), now));
      }
      return admitted;
    }
  }

  /** New rates, in effect at once: waiters are looked at again now. */
  void setLimits(long iops, long bytesPerSecond) {
    synchronized (this) {
      long now = clock.getAsLong();
      ops.setRate(iops, now);
      bytes.setRate(bytesPerSecond, now);
      // Waiters queued before the limit was lifted still drain in order (the next wake-up admits them).
      unlimited = iops == 0 && bytesPerSecond == 0 && waiting.isEmpty();
      if (wake != null) {
        wake.cancel(false);
        wake = null;
      }
      if (!waiting.isEmpty()) {
        schedule(0);
      }
    }
  }

  /** Requests waiting now. */
  synchronized int waiting() {
    return waiting.size();
  }

  private long waitNanos(long n, long now) {
    return Math.max(ops.waitNanos(1, now), bytes.waitNanos(n, now));
  }

  private void take(long n) {
    ops.take(1);
    bytes.take(n);
  }

  /** Admits every waiter whose tokens are there, in order, and schedules the next wake-up. */
  private void drain() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      wake = null;
      long now = clock.getAsLong();
      while (!waiting.isEmpty()) {
        long delay = waitNanos(waiting.peek().bytes(), now);
        if (delay > 0) {
          schedule(delay);
          break;
        }
        take(waiting.peek().bytes());
        ready.add(waiting.poll().admitted());
      }
      if (waiting.isEmpty() && ops.unlimited() && bytes.unlimited()) {
        unlimited = true;
      }
    }
    // Outside the lock: completing runs the requests' next steps.
    ready.forEach(f -> f.complete(null));
  }

  private void schedule(long delayNanos) {
    try {
      wake = timer.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The node is stopping: fail the waiters rather than leave them hanging.
      IoGateClosedException closed = new IoGateClosedException();
      waiting.forEach(w -> w.admitted().completeExceptionally(closed));
      waiting.clear();
    }
  }
}
