package io.pxlite.journal;

import io.pxlite.journal.event.RebuildProgress;
import io.pxlite.journal.event.VolumeQuery;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Reads through a replica group: linearizable queries of its leader (what was applied, a volume's
 * size and bytes, for nodes without a replica or a fresh local read), and questions to one member.
 */
final class GroupQueries implements AutoCloseable {
  private final ReplicaGroup group;
  private final GroupClient clients;
  /** Requests addressed to one member, on a client of their own (see {@link MemberQueries}). */
  private final MemberQueries memberQueries;
  /** Where a client is replaced after a membership change: the group log's sender thread. */
  private final Executor reconnectOn;
  private final Supplier<Boolean> closed;

  GroupQueries(ReplicaGroup group, GroupClient clients, Executor reconnectOn, Supplier<Boolean> closed) {
    this.group = group;
    this.clients = clients;
    this.memberQueries = new MemberQueries(group.toRaftGroup());
    this.reconnectOn = reconnectOn;
    this.closed = closed;
  }

  /**
   * The index a replica must have applied before a local read is fresh: the leader's applied index,
   * learned by a linearizable read (so no write acknowledged anywhere is missed).
   */
  CompletableFuture<Long> appliedIndex() {
    return query(new VolumeQuery.AppliedIndex()).thenApply(b -> b.asReadOnlyByteBuffer().getLong());
  }

  /** A volume's size as the group's current leader knows it; empty if it has no such volume. */
  CompletableFuture<OptionalLong> size(long volumeId) {
    return query(new VolumeQuery.Size(volumeId)).thenApply(b -> b.isEmpty()
        ? OptionalLong.empty() : OptionalLong.of(b.asReadOnlyByteBuffer().getLong()));
  }

  /** Bytes of a volume read by the group (for nodes that hold no replica), as a read-only buffer. */
  CompletableFuture<ByteBuffer> read(long volumeId, long offset, int length) {
    return query(new VolumeQuery.Read(volumeId, offset, length)).thenApply(ByteString::asReadOnlyByteBuffer);
  }

  /** Bytes of a volume as one given member's store holds them (to repair a damaged local copy). */
  CompletableFuture<ByteBuffer> readFrom(String nodeId, long volumeId, long offset, int length) {
    return memberQueries.askCaughtUp(nodeId, new VolumeQuery.Read(volumeId, offset, length))
        .thenApply(ByteString::asReadOnlyByteBuffer);
  }

  /** How far a member's rebuild has come; empty when it is not rebuilding. Asked of the member itself. */
  CompletableFuture<Optional<RebuildProgress>> rebuildProgress(String nodeId) {
    return memberQueries.ask(nodeId, new VolumeQuery.RebuildStatus()).thenApply(b -> b.isEmpty()
        ? Optional.empty() : Optional.of(RebuildProgress.decode(b)));
  }

  /** A linearizable read by the leader. */
  private CompletableFuture<ByteString> query(VolumeQuery q) {
    return query(q, 0);
  }

  private CompletableFuture<ByteString> query(VolumeQuery q, int attempt) {
    RaftClient used = clients.current();
    return used.async().sendReadOnly(Message.valueOf(VolumeQuery.encode(q))).handle((reply, error) -> {
      Throwable cause = error != null ? GroupClient.unwrap(error) : reply.isSuccess() ? null : reply.getException();
      if (cause == null) {
        return CompletableFuture.completedFuture(reply.getMessage().getContent());
      }
      Supplier<CompletableFuture<ByteString>> failed = () -> CompletableFuture.failedFuture(
          new JournalException("replica group " + group.id() + " did not answer " + q + ": " + cause, cause));
      if (attempt >= EntrySender.HANDOVER_RESENDS || closed.get() || !GroupClient.membersChanged(cause)) {
        return failed.get();
      }
      return CompletableFuture.supplyAsync(() -> clients.reconnect(used),
              CompletableFuture.delayedExecutor(EntrySender.HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, reconnectOn))
          .thenCompose(reconnected -> reconnected ? query(q, attempt + 1) : failed.get());
    }).thenCompose(f -> f);
  }

  @Override
  public void close() {
    memberQueries.close();
  }
}
