package io.pxlite.node.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the tests' only way to wait for another process. */
public final class Poll {
  private Poll() {}

  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 10;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
      pause = Math.min(pause * 2, 200);
    }
  }

  /** Polls until {@code probe} returns without throwing; returns its value or rethrows the last failure. */
  public static <T> T succeeds(Duration timeout, String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    AssertionError lastAssert = null;
    while (System.nanoTime() < deadline) {
      try {
        return probe.get();
      } catch (RuntimeException e) {
        last = e;
      } catch (AssertionError e) {
        lastAssert = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    AssertionError timeout2 = new AssertionError("timed out after " + timeout + " waiting for " + what);
    if (last != null) {
      timeout2.initCause(last);
    } else if (lastAssert != null) {
      timeout2.initCause(lastAssert);
    }
    throw timeout2;
  }
}
