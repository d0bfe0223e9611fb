package io.pxlite.journal;

import io.pxlite.journal.event.VolumeQuery;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * Asks one named member of a group a {@link VolumeQuery}: either from that member's own state as it
 * stands (a Ratis stale read: no leader involved), for conversations whose consistency the member
 * itself provides — a rebuild's export session — and for a member's own status; or after the member
 * caught up with the leader's commit, to read one replica's copy of volume data.
 *
 * <p>None of these requests goes down a Ratis <em>ordered</em> stream. Ratis numbers the ordered
 * requests of each target separately but sends them all down one stream per server, whose server
 * side keeps a single sequence; and an ordered client's first act is a dummy watch to the leader. When
 * that watch, refused by a follower, was retried to the server a rebuild was reading from, the server
 * took its sequence number 1 for a new start: the rebuild's next requests were never answered, and the
 * replica stayed unbuilt (ReplicaLifecycleIT, 3 of 4 runs). Stale reads therefore go as
 * blocking calls, each on a stream of its own, and caught-up reads by Ratis' unordered async path.
 */
public final class MemberQueries implements AutoCloseable {
  /** Attempts per request: the callers retry on their own terms (a rebuild tries the next member). */
  private static final int ATTEMPTS = 3;
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(200, TimeUnit.MILLISECONDS);
  /** Where the blocking stale reads wait; daemon threads, made as needed and dropped when idle. */
  private static final ExecutorService STALE_READS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "member-query");
    t.setDaemon(true);
    return t;
  });

  private final RaftGroup group;
  private final RaftClient client;

  public MemberQueries(RaftGroup group) {
    this.group = group;
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(RaftSettings.clientProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(ATTEMPTS - 1, RETRY_SLEEP)).build();
  }

  /** {@code q} answered by member {@code nodeId} from its state as it stands (a stale read). */
  public CompletableFuture<ByteString> ask(String nodeId, VolumeQuery q) {
    Message m = Message.valueOf(VolumeQuery.encode(q));
    RaftPeerId peer = RaftPeerId.valueOf(nodeId);
    CompletableFuture<RaftClientReply> sent = new CompletableFuture<>();
    try {
      STALE_READS.execute(() -> {
        try {
          sent.complete(client.io().sendStaleRead(m, 0, peer));
        } catch (IOException | RuntimeException e) {
          sent.completeExceptionally(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      sent.completeExceptionally(e);
    }
    return answer(nodeId, q, sent);
  }

  /** {@code q} answered by member {@code nodeId} once it applied everything the leader had committed. */
  public CompletableFuture<ByteString> askCaughtUp(String nodeId, VolumeQuery q) {
    return answer(nodeId, q,
        client.async().sendReadOnlyUnordered(Message.valueOf(VolumeQuery.encode(q)), RaftPeerId.valueOf(nodeId)));
  }

  private CompletableFuture<ByteString> answer(String nodeId, VolumeQuery q, CompletableFuture<RaftClientReply> sent) {
    RaftGroupId groupId = group.getGroupId();
    return sent.handle((reply, error) -> {
      if (error != null || !reply.isSuccess()) {
        Throwable cause = error != null ? unwrap(error) : reply.getException();
        throw new JournalException("member " + nodeId + " of group " + groupId + " did not answer " + q + ": " + cause,
            cause);
      }
      return reply.getMessage().getContent();
    });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      throw new JournalException("closing the member client of group " + group.getGroupId() + ": " + e.getMessage(), e);
    }
  }
}
