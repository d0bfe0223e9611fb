package io.pxlite.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RatisElectionNoiseTest {
  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void setUp() {
    RatisElectionNoise filter = new RatisElectionNoise();
    filter.start();
    context.addTurboFilter(filter);
    events.setContext(context);
    events.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(events);
  }

  @Test
  void anElectionErrorWithAStackTraceBecomesNothingHere() {
    NotLeaderException notLeader = new NotLeaderException(
        RaftGroupMemberId.valueOf(org.apache.ratis.protocol.RaftPeerId.valueOf("n1"),
            org.apache.ratis.protocol.RaftGroupId.randomId()), null, java.util.List.of());

    context.getLogger("org.apache.ratis.client.impl.OrderedAsync")
        .error("{}: Failed {}", "client-1", "request", new CompletionException(notLeader));

    // Denied in this context: the one INFO line goes to the application's own logging (a static logger).
    assertThat(events.list).isEmpty();
  }

  @Test
  void aClientFailureNamingANotLeaderExceptionInItsTextIsDeniedToo() {
    context.getLogger("org.apache.ratis.client.impl.OrderedAsync").error("{}: Failed* {} due to {}", "client-1",
        "RaftClientRequest:cid=4", "java.util.concurrent.CompletionException: org.apache.ratis.protocol.exceptions"
            + ".NotLeaderException: Server n1@group-1 is not the leader");

    assertThat(events.list).isEmpty();
  }

  @Test
  void otherRatisErrorsPassWithTheirStackTrace() {
    context.getLogger("org.apache.ratis.server.impl.StateMachineUpdater")
        .error("apply failed", new StateMachineException("disk on fire"));

    assertThat(events.list).hasSize(1);
    assertThat(events.list.get(0).getLevel()).isEqualTo(Level.ERROR);
    assertThat(events.list.get(0).getThrowableProxy().getClassName()).endsWith("StateMachineException");
  }

  @Test
  void pxlitesOwnErrorsAreNeverTouched() {
    context.getLogger("io.pxlite.node.NodeDaemon").warn("not leader", new CompletionException(
        new RuntimeException("x", new IllegalStateException())));

    assertThat(events.list).hasSize(1);
  }

  @Test
  void theTransientCauseIsFoundDownTheChain() {
    assertThat(RatisElectionNoise.transientCause(new RuntimeException(new CompletionException(
        new org.apache.ratis.protocol.exceptions.LeaderNotReadyException(
            RaftGroupMemberId.valueOf(org.apache.ratis.protocol.RaftPeerId.valueOf("n1"),
                org.apache.ratis.protocol.RaftGroupId.randomId())))))).isNotNull();
    assertThat(RatisElectionNoise.transientCause(new RuntimeException("plain"))).isNull();
  }
}
