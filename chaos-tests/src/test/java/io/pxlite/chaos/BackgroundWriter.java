package io.pxlite.chaos;

import io.pxlite.node.it.AckedWriteChecker;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.Poll;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An {@link AckedWriteChecker} writing on its own thread while a test injects faults: it reconnects
 * (to another node) when its connection breaks, and goes on until {@link #stop()}. What it
 * acknowledged, and its longest stall, go into the scenario's {@link ChaosSummary} row when it stops.
 */
final class BackgroundWriter implements AutoCloseable {
  final AckedWriteChecker checker;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean counted = new AtomicBoolean();
  private final CompletableFuture<Long> done = new CompletableFuture<>();

  /**
   * @param blocks the 4 KiB blocks the checker writes (the volume's first {@code blocks * 4 KiB})
   * @param stallLimit how long no write may complete before the writer fails
   */
  BackgroundWriter(int blocks, Supplier<NbdClient> connect, int queueDepth, Duration stallLimit) {
    this.checker = new AckedWriteChecker(blocks);
    Thread thread = new Thread(() -> {
      try {
        done.complete(checker.runUntil(connect, queueDepth, stop::get, stallLimit));
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    }, "chaos-writer");
    thread.setDaemon(true);
    thread.start();
  }

  long acknowledged() {
    return checker.acknowledged();
  }

  /** Waits until {@code more} further writes were acknowledged; fails if the writer failed or time runs out. */
  void awaitMoreAcks(long more, Duration timeout, String why) {
    long target = checker.acknowledged() + more;
    Poll.until(timeout, more + " more acknowledged writes (" + why + "; " + checker.acknowledged() + " so far)", () -> {
      if (done.isDone()) {
        stop();
        throw new AssertionError("the writer ended early");
      }
      return checker.acknowledged() >= target;
    });
  }

  /** Stops writing, waits for the writes in flight, and returns how many writes were acknowledged. */
  long stop() {
    stop.set(true);
    try {
      return done.get(3, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      throw new AssertionError("the writer failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new AssertionError("the writer did not stop within 3 minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted stopping the writer", e);
    } finally {
      count();
    }
  }

  private void count() {
    if (counted.compareAndSet(false, true)) {
      ChaosSummary.row().acked(checker.acknowledged()).stall(checker.longestAckGapMillis());
    }
  }

  @Override
  public void close() {
    stop.set(true);
    try {
      done.get(3, TimeUnit.MINUTES);
    } catch (Exception e) {
      // Already reported by stop(), or the test failed for another reason.
    } finally {
      count();
    }
  }
}
