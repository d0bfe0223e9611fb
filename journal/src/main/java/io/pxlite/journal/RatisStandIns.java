package io.pxlite.journal;

import java.security.CodeSource;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.ratis.server.leader.LogAppenderBase;
import org.apache.ratis.util.PureJavaCrc32C;
import org.apache.ratis.util.TimeoutExecutor;

/**
 * Whether this process runs pxlite's stand-ins for three Ratis classes (all in this module, same
 * names, loaded instead of Ratis' own when journal's jar comes first on the class path):
 * {@link PureJavaCrc32C}, the Raft log's checksum by the JDK's intrinsic CRC32C; {@link
 * TimeoutExecutor}, Ratis' timeouts by the monotonic clock instead of the wall clock; and {@link
 * LogAppenderBase}, whose leader notifies a follower to install a snapshot where Ratis' own ended
 * the follower's appender with a NullPointerException. Without them log writes cost more CPU, a
 * wall clock stepping back delays retries and timeouts by the size of the step, and a follower
 * whose last entry the leader purged gets no entries until the leader changes.
 */
public final class RatisStandIns {
  private static final List<Class<?>> STAND_INS = List.of(PureJavaCrc32C.class, TimeoutExecutor.class,
      LogAppenderBase.class);

  private RatisStandIns() {}

  /** Whether every stand-in is the class Ratis loads. */
  public static boolean loaded() {
    return STAND_INS.stream().allMatch(c -> Objects.equals(location(c), location(RatisStandIns.class)));
  }

  /** One line for the node's start-up log. */
  public static String describe() {
    if (loaded()) {
      return "Ratis runs with pxlite's stand-ins: log checksums by java.util.zip.CRC32C, timeouts by the monotonic clock, "
          + "a follower behind a purge notified to install a snapshot";
    }
    return "Ratis runs without pxlite's stand-ins (journal's jar is not first on the class path): "
        + STAND_INS.stream().map(c -> c.getSimpleName() + " from " + location(c)).collect(Collectors.joining(", "))
        + "; log writes cost more CPU, a wall clock stepping back delays Ratis' retries and timeouts, and a follower "
        + "whose last entry the leader purged gets no entries until the leader changes";
  }

  private static String location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null ? "(unknown)" : source.getLocation().toString();
  }
}
