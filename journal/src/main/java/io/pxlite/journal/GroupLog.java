package io.pxlite.journal;

import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.RebuildProgress;
import io.pxlite.journal.event.VolumeEvent;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * One replica group's log as the rest of the node uses it: events submitted to it ({@link
 * EntrySender}: batching, ordering, resends), reads through it ({@link GroupQueries}), its
 * leadership and status. All of them go through one {@link GroupClient}, which follows the group's
 * members as they change.
 */
public final class GroupLog implements AutoCloseable {
  private final ReplicaGroup group;
  private final GroupClient clients;
  private final EntrySender entries;
  private final GroupQueries queries;

  private GroupLog(ReplicaGroup group, Supplier<Optional<RaftGroup>> localMembers,
      Supplier<Optional<RaftServer.Division>> localDivision, Supplier<Optional<ReplicaGroup>> recordedMembers,
      Timer commitLatency) {
    this.group = group;
    this.clients = new GroupClient(group, localMembers, recordedMembers);
    this.entries = new EntrySender(group, clients, new LocalLeaderSubmitter(group.id(), localDivision), commitLatency);
    this.queries = new GroupQueries(group, clients, entries.thread(), entries::closed);
  }

  /**
   * @param localMembers the group's members as this node's own division knows them, if it has one:
   *     asked first when a member this client addressed has left
   * @param localDivision this node's own division of the group, if it hosts one: entries go to it
   *     directly while it leads the group
   * @param recordedMembers the members the cluster's records name: asked last, when neither this
   *     node's division nor any member this client knows reports the group (it moved away entirely)
   * @param commitLatency where each event's time from submission to commit is recorded
   */
  static GroupLog open(ReplicaGroup group, Supplier<Optional<RaftGroup>> localMembers,
      Supplier<Optional<RaftServer.Division>> localDivision, Supplier<Optional<ReplicaGroup>> recordedMembers,
      Timer commitLatency) {
    return new GroupLog(group, localMembers, localDivision, recordedMembers, commitLatency);
  }

  /**
   * Appends {@code event} to the group's log. The outcome arrives once the group has committed and
   * applied it, so success means durable and readable. The future fails with {@link
   * JournalException} when the group cannot commit it (no leader within the retry budget); a
   * committed event that the state machine refused completes normally with a non-OK outcome.
   */
  public CompletableFuture<EventOutcome> submit(VolumeEvent event) {
    return entries.submit(event);
  }

  // ------------------------------------------------------------------ reads through the group

  /**
   * The index a replica must have applied before a local read is fresh: the leader's applied index,
   * learned by a linearizable read (so no write acknowledged anywhere is missed).
   */
  public CompletableFuture<Long> appliedIndex() {
    return queries.appliedIndex();
  }

  /** A volume's size as the group's current leader knows it; empty if it has no such volume. */
  public CompletableFuture<OptionalLong> size(long volumeId) {
    return queries.size(volumeId);
  }

  /** Bytes of a volume read by the group (for nodes that hold no replica), as a read-only buffer. */
  public CompletableFuture<ByteBuffer> read(long volumeId, long offset, int length) {
    return queries.read(volumeId, offset, length);
  }

  /** Bytes of a volume as one given member's store holds them (to repair a damaged local copy). */
  public CompletableFuture<ByteBuffer> readFrom(String nodeId, long volumeId, long offset, int length) {
    return queries.readFrom(nodeId, volumeId, offset, length);
  }

  /** How far a member's rebuild has come; empty when it is not rebuilding. Asked of the member itself. */
  public CompletableFuture<Optional<RebuildProgress>> rebuildProgress(String nodeId) {
    return queries.rebuildProgress(nodeId);
  }

  // ------------------------------------------------------------------ membership, leadership and state

  /** The group's members (with their roles) as Ratis knows them now; empty if no known member answers. */
  public Optional<List<ReplicaPeer>> currentMembers() {
    return clients.askMembers(clients.current()).map(g -> g.getPeers().stream().map(ReplicaGroup::peerOf).toList());
  }

  /** Asks the group to make {@code nodeId} its leader; false if it did not happen within the timeout. */
  public boolean transferLeadership(String nodeId, Duration timeout) {
    try {
      return clients.current().admin().transferLeadership(RaftPeerId.valueOf(nodeId), timeout.toMillis()).isSuccess();
    } catch (IOException e) {
      // Refused or timed out: the caller learns only that the leader stayed where it was.
      return false;
    }
  }

  /** What the group's leader reports about itself and its followers. */
  public GroupStatus status() {
    return GroupStatus.ask(clients.current(), group);
  }

  /** Log entries (each one event or a batch) sent straight to this node's own division, resends included. */
  public long entriesSentLocally() {
    return entries.entriesSentLocally();
  }

  /** Log entries sent through the Ratis client (the leader is elsewhere, or not ready), resends included. */
  public long entriesSentThroughClient() {
    return entries.entriesSentThroughClient();
  }

  public ReplicaGroup group() {
    return group;
  }

  @Override
  public void close() {
    entries.close();
    queries.close();
    clients.close();
  }
}
