package io.pxlite.node;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * How long each phase of a node's start took, from the JVM's start, for the one log line that says
 * where a restart's time went (the time until a node serves again is what a container on it waits).
 */
final class StartupPhases {
  private final List<String> phases = new ArrayList<>();
  /** Milliseconds since the JVM started, on its monotonic clock (a wall-clock jump must not show up here). */
  private long last = 0;

  StartupPhases() {
    done("jvm and config");
  }

  void done(String phase) {
    long now = ManagementFactory.getRuntimeMXBean().getUptime();
    phases.add(phase + " " + (now - last) + " ms");
    last = now;
  }

  @Override
  public String toString() {
    return String.join(", ", phases);
  }
}
