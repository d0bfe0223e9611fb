package io.pxlite.pxctl;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Byte counts as people read them in binary units, like PX: {@code 1 GiB}, {@code 1.5 TiB}, {@code 512 B}. */
final class HumanSize {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private HumanSize() {}

  /** Whole numbers print without a fraction; others keep one decimal, rounded half up. */
  static String of(long bytes) {
    if (bytes < 0) {
      return "-" + of(-Math.max(bytes, -Long.MAX_VALUE));
    }
    int unit = 0;
    long scale = 1;
    while (unit < UNITS.length - 1 && bytes / scale >= 1024) {
      unit++;
      scale <<= 10;
    }
    if (bytes % scale == 0) {
      return bytes / scale + " " + UNITS[unit];
    }
    BigDecimal value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(scale), 1, RoundingMode.HALF_UP);
    return value.stripTrailingZeros().toPlainString() + " " + UNITS[unit];
  }
}
