package io.pxlite.journal;

import io.pxlite.journal.event.VolumeQuery;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Asks one named member of a group a {@link VolumeQuery}, answered from that member's own state
 * as it stands (a Ratis stale read: no leader involved). For conversations with one member whose
 * consistency the member itself provides — a rebuild's export session — and for a member's own
 * status; never for reading volume data a client will see.
 */
public final class MemberQueries implements AutoCloseable {
  private final RaftGroup group;
  private final RaftClient client;

  public MemberQueries(RaftGroup group) {
    this.group = group;
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(RaftSettings.clientProperties()).build();
  }

  public CompletableFuture<ByteString> ask(String nodeId, VolumeQuery q) {
    return ask(client, group.getGroupId(), nodeId, q);
  }

  /** A stale read of {@code q} addressed to member {@code nodeId}, through any client of the group. */
  static CompletableFuture<ByteString> ask(RaftClient client, RaftGroupId groupId, String nodeId, VolumeQuery q) {
    return client.async().sendStaleRead(Message.valueOf(VolumeQuery.encode(q)), 0, RaftPeerId.valueOf(nodeId))
        .handle((reply, error) -> {
          if (error != null || !reply.isSuccess()) {
            Throwable cause = error != null ? unwrap(error) : reply.getException();
            throw new JournalException("member " + nodeId + " of group " + groupId + " did not answer " + q
                + ": " + cause, cause);
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
