package io.pxlite.node.volume;

import io.pxlite.api.IoLimits;
import io.pxlite.node.config.ByteSize;
import io.pxlite.node.config.ConfigException;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a volume's I/O policy options as PX users write them: {@code io_priority high|medium|low},
 * {@code max_iops R,W} and {@code max_bandwidth R,W} (MiB/s, or a size per second such as 512K). One
 * number sets both directions; {@code ;} may separate them where {@code ,} separates options (Docker's
 * inline {@code k=v,...} names); 0 lifts a limit.
 */
public final class IoPolicyOptions {
  public static final Set<String> PRIORITIES = Set.of("high", "medium", "low");

  private IoPolicyOptions() {}

  /** @throws ConfigException naming io_priority */
  public static String priority(String text) {
    String priority = text.trim().toLowerCase(Locale.ROOT);
    if (!PRIORITIES.contains(priority)) {
      throw new ConfigException("io_priority", "'" + text + "' is not one of high, medium, low");
    }
    return priority;
  }

  /** {@code limits} with the IOPS of {@code text}. @throws ConfigException naming max_iops */
  public static IoLimits withIops(IoLimits limits, String text) {
    long[] rw = pair(text, "max_iops", IoPolicyOptions::iops);
    return limits.withIops(rw[0], rw[1]);
  }

  /** {@code limits} with the bandwidth of {@code text}. @throws ConfigException naming max_bandwidth */
  public static IoLimits withBandwidth(IoLimits limits, String text) {
    long[] rw = pair(text, "max_bandwidth", part -> ByteSize.parse(part, ByteSize.MIB, "max_bandwidth"));
    return limits.withBandwidth(rw[0], rw[1]);
  }

  private interface Part {
    long parse(String text);
  }

  private static long[] pair(String text, String field, Part part) {
    String[] parts = text.trim().split("\\s*[,;]\\s*", -1);
    if (parts.length > 2 || parts[0].isEmpty()) {
      throw new ConfigException(field, "'" + text + "' is not READ,WRITE (or one value for both)");
    }
    long read = part.parse(parts[0]);
    long write = parts.length == 2 ? part.parse(parts[1]) : read;
    if (read < 0 || write < 0) {
      throw new ConfigException(field, "'" + text + "' is negative; use 0 for no limit");
    }
    return new long[] {read, write};
  }

  private static long iops(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException("max_iops", "'" + text + "' is not a whole number of operations per second");
    }
  }
}
