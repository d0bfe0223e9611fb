package io.pxlite.journal;

import io.pxlite.journal.event.VolumeQuery;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Asks one named member of a group a {@link VolumeQuery}: either from that member's own state as it
 * stands (a Ratis stale read: no leader involved), for conversations whose consistency the member
 * itself provides — a rebuild's export session — and for a member's own status; or after the member
 * caught up with the leader's commit, to read one replica's copy of volume data.
 *
 * <p>Member-addressed requests get a Ratis client of their own, never the one that writes to the
 * group's leader: Ratis numbers the requests of each target separately but sends them all down one
 * ordered stream per server, whose server side keeps a single sequence. A write failing over to a
 * server that had answered member queries on that stream then waits, unprocessed, for sequence
 * numbers that never come, until the client's request timeout.
 */
public final class MemberQueries implements AutoCloseable {
  private final RaftGroup group;
  private final RaftClient client;

  public MemberQueries(RaftGroup group) {
    this.group = group;
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(RaftSettings.clientProperties()).build();
  }

  /** {@code q} answered by member {@code nodeId} from its state as it stands (a stale read). */
  public CompletableFuture<ByteString> ask(String nodeId, VolumeQuery q) {
    return answer(nodeId, q,
        client.async().sendStaleRead(Message.valueOf(VolumeQuery.encode(q)), 0, RaftPeerId.valueOf(nodeId)));
  }

  /** {@code q} answered by member {@code nodeId} once it applied everything the leader had committed. */
  public CompletableFuture<ByteString> askCaughtUp(String nodeId, VolumeQuery q) {
    return answer(nodeId, q, client.async().sendReadOnly(Message.valueOf(VolumeQuery.encode(q)), RaftPeerId.valueOf(nodeId)));
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
