package io.pxlite.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks of a scenario that must not stop it: the data checks (every acknowledged write, identical
 * replicas) still run when, say, the management API cannot show the new leader; the failures are
 * reported together at the end with {@link #assertAll()}, and the test fails.
 */
final class Expectations {
  private final List<String> failed = new ArrayList<>();

  /** Runs {@code check}; an AssertionError from it is recorded, not thrown. */
  void check(String what, Runnable check) {
    try {
      check.run();
    } catch (AssertionError e) {
      String cause = e.getCause() == null ? "" : " (last: " + e.getCause().getMessage() + ")";
      String line = what + ": " + e.getMessage() + cause;
      failed.add(line);
      System.out.println("chaos: expectation failed: " + line);
    }
  }

  void assertAll() {
    if (!failed.isEmpty()) {
      throw new AssertionError(failed.size() + " expectation(s) failed (the data checks ran and passed): "
          + String.join("; ", failed));
    }
  }
}
