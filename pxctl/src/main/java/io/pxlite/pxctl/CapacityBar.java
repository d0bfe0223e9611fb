package io.pxlite.pxctl;

/** A 20-character usage bar, {@code [####................] 20% used}, as {@code pxctl status} prints. */
final class CapacityBar {
  static final int WIDTH = 20;

  private CapacityBar() {}

  static String of(long used, long capacity) {
    double fraction = capacity <= 0 ? 0 : Math.min(1, Math.max(0, (double) used / capacity));
    int filled = (int) Math.round(fraction * WIDTH);
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + Math.round(fraction * 100) + "% used";
  }
}
