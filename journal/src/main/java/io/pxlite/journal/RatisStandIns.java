package io.pxlite.journal;

import java.security.CodeSource;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.ratis.util.PureJavaCrc32C;
import org.apache.ratis.util.TimeoutExecutor;

/**
 * Whether this process runs pxlite's stand-ins for two Ratis classes (both in this module, same
 * names, loaded instead of Ratis' own when journal's jar comes first on the class path):
 * {@link PureJavaCrc32C}, the Raft log's checksum by the JDK's intrinsic CRC32C, and {@link
 * TimeoutExecutor}, Ratis' timeouts by the monotonic clock instead of the wall clock. Without them
 * everything works, but log writes cost more CPU and a wall clock stepping back delays retries and
 * timeouts by the size of the step.
 */
public final class RatisStandIns {
  private static final List<Class<?>> STAND_INS = List.of(PureJavaCrc32C.class, TimeoutExecutor.class);

  private RatisStandIns() {}

  /** Whether every stand-in is the class Ratis loads. */
  public static boolean loaded() {
    return STAND_INS.stream().allMatch(c -> Objects.equals(location(c), location(RatisStandIns.class)));
  }

  /** One line for the node's start-up log. */
  public static String describe() {
    if (loaded()) {
      return "Ratis runs with pxlite's stand-ins: log checksums by java.util.zip.CRC32C, timeouts by the monotonic clock";
    }
    return "Ratis runs without pxlite's stand-ins (journal's jar is not first on the class path): "
        + STAND_INS.stream().map(c -> c.getSimpleName() + " from " + location(c)).collect(Collectors.joining(", "))
        + "; log writes cost more CPU and a wall clock stepping back delays Ratis' retries and timeouts";
  }

  private static String location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null ? "(unknown)" : source.getLocation().toString();
  }
}
