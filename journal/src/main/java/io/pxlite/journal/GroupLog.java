package io.pxlite.journal;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Submits events to one replica group's log. The returned outcome arrives after the group has
 * committed the event and applied it, so a successful outcome means durable and readable.
 */
public final class GroupLog implements AutoCloseable {
  /** How long a submission keeps retrying (leader changes, a replica restarting) before it fails. */
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
  private static final int RETRIES = 300;

  private final ReplicaGroup group;
  private final RaftClient client;

  private GroupLog(ReplicaGroup group, RaftClient client) {
    this.group = group;
    this.client = client;
  }

  static GroupLog open(ReplicaGroup group) {
    RaftClient client = RaftClient.newBuilder()
        .setRaftGroup(group.toRaftGroup())
        .setProperties(RaftSettings.clientProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(RETRIES, RETRY_SLEEP))
        .build();
    return new GroupLog(group, client);
  }

  public ReplicaGroup group() {
    return group;
  }

  /**
   * Appends {@code event} to the group's log. The future fails with {@link JournalException} when
   * the group cannot commit it (no leader within the retry budget); a committed event that the state
   * machine refused completes normally with a non-OK outcome.
   */
  public CompletableFuture<EventOutcome> submit(VolumeEvent event) {
    return client.async().send(Message.valueOf(EventCodec.encode(event)))
        .handle((reply, error) -> toOutcome(event, reply, error));
  }

  private EventOutcome toOutcome(VolumeEvent event, RaftClientReply reply, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      throw new JournalException("replica group " + group.id() + " did not commit " + describe(event) + ": " + cause, cause);
    }
    if (!reply.isSuccess()) {
      throw new JournalException(
          "replica group " + group.id() + " refused " + describe(event) + ": " + reply.getException(), reply.getException());
    }
    return EventOutcome.decode(reply.getMessage().getContent(), reply.getLogIndex());
  }

  private static String describe(VolumeEvent event) {
    return event.getClass().getSimpleName() + " of " + Long.toUnsignedString(event.targetId(), 16);
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      throw new JournalException("closing the client of replica group " + group.id() + ": " + e.getMessage(), e);
    }
  }
}
