package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it until a deadline: tests synchronise on state, never on sleeps. */
final class Poll {
  private Poll() {}

  /**
   * Asserts that {@code invariant} holds throughout {@code window}: the one way to check that
   * something does not happen (e.g. a bound is never exceeded) is to watch for it for a while.
   */
  static void holdsFor(Duration window, BooleanSupplier invariant, Supplier<String> description) {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      if (!invariant.getAsBoolean()) {
        fail("violated: " + description.get());
      }
      pause(description);
    }
  }

  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for " + description.get());
      }
      pause(description);
    }
  }

  private static void pause(Supplier<String> description) {
    try {
      Thread.sleep(5); // a poll interval, not synchronisation: the condition decides
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted waiting for " + description.get());
    }
  }
}
