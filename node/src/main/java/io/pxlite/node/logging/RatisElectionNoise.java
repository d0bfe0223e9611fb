package io.pxlite.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Turns Ratis' WARN and ERROR events with stack traces that only say a group is electing or a member
 * is not there yet (not the leader, leader not ready, server not ready, group not found on a node that
 * has not joined it yet) into one INFO line each: they are the normal course of a new group or a
 * leader change, and every retry of them is handled. Anything else Ratis reports passes unchanged.
 */
public final class RatisElectionNoise extends TurboFilter {
  /** Exceptions that mean "ask again shortly", by simple name (Ratis' own classes). */
  static final Set<String> TRANSIENT = Set.of(
      "NotLeaderException", "LeaderNotReadyException", "ServerNotReadyException", "GroupMismatchException",
      "LeaderSteppingDownException", "AlreadyClosedException");
  private static final String RATIS = "org.apache.ratis";
  private static final org.slf4j.Logger ELECTIONS = LoggerFactory.getLogger("io.pxlite.node.logging.RatisElections");

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (!logger.getName().startsWith(RATIS) || !level.isGreaterOrEqual(Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    Throwable cause = transientCause(t);
    for (int i = 0; cause == null && params != null && i < params.length; i++) {
      if (params[i] instanceof Throwable thrown) {
        cause = transientCause(thrown);
      }
    }
    if (cause != null) {
      ELECTIONS.info("{} ({}: {})", shortName(logger.getName()), cause.getClass().getSimpleName(), cause.getMessage());
      return FilterReply.DENY;
    }
    // Ratis' client logs a failed request with its exception already in the text ("... due to ...").
    String text = format == null ? "" : org.slf4j.helpers.MessageFormatter.arrayFormat(format, params).getMessage();
    for (String name : TRANSIENT) {
      int at = text.indexOf(name + ":");
      if (at >= 0) {
        ELECTIONS.info("{} ({})", shortName(logger.getName()), text.substring(at));
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }

  /** The first exception in {@code thrown}'s chain that is a transient one, or null. */
  static Throwable transientCause(Throwable thrown) {
    for (Throwable c = thrown; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (TRANSIENT.contains(c.getClass().getSimpleName())) {
        return c;
      }
    }
    return null;
  }

  private static String shortName(String logger) {
    return logger.substring(logger.lastIndexOf('.') + 1);
  }
}
