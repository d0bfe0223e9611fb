package io.pxlite.journal;

import io.pxlite.journal.event.VolumeQuery;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits events to one replica group's log. The returned outcome arrives after the group has
 * committed the event and applied it, so a successful outcome means durable and readable.
 *
 * <p>Group commit: events submitted while {@link #MAX_BATCHES_IN_FLIGHT} entries are already on
 * their way wait in a queue and go out together as one {@link VolumeEvent.Batch} entry. A Raft
 * round trip costs far more than appending a few more kilobytes to an entry, so under load many
 * writes share one log append, one fsync and one reply; an idle log sends each event at once.
 *
 * <p>Entries go straight to this node's own division when it leads the group ({@link
 * LocalLeaderSubmitter}), else through a Ratis client that finds the leader. No entry goes one way
 * while entries sent the other way are in flight, so a change of way does not reorder them (an
 * entry resent after a refusal may still land after later ones, as it always could; nothing waits
 * on an order between writes that are in flight together).
 *
 * <p>All batching state is confined to one sender thread per group: Ratis may run reply callbacks
 * while holding its own client locks, so nothing here may hold a lock of ours while calling Ratis.
 */
public final class GroupLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupLog.class);
  /** How long a submission keeps retrying (leader changes, a replica restarting) before it fails. */
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
  private static final int RETRIES = 300;
  static final int MAX_BATCHES_IN_FLIGHT = 2;
  /** A leadership handover takes well under a second; this covers a slow one. */
  private static final int HANDOVER_RESENDS = 100;
  private static final long HANDOVER_RESEND_MILLIS = 100;
  static final int MAX_BATCH_EVENTS = 256;
  /**
   * Up to four full-size events per entry: large sequential writes then share one append and one
   * fsync too. Stays well inside the appender batch and log write buffer (RaftSettings).
   */
  static final int MAX_BATCH_BYTES = 4 * RaftSettings.MAX_EVENT_BYTES;
  private static final int EVENT_OVERHEAD_BYTES = 64;

  private final ReplicaGroup group;
  /**
   * The client of the group's members as last known. Replaced (on the sender thread) when a member
   * it addressed had left the group: Ratis' client then fails every request it holds and takes no
   * more, and only a client built for the current members works again. See {@link #reconnect}.
   */
  private volatile RaftClient client;
  /** The members {@link #client} addresses. */
  private volatile RaftGroup members;
  private final Supplier<Optional<RaftGroup>> localMembers;
  private final Supplier<Optional<ReplicaGroup>> recordedMembers;
  private final LocalLeaderSubmitter local;
  /** Clients replaced by {@link #reconnect}: left open so that requests still on them finish; closed with this log. */
  private final List<RaftClient> formerClients = new CopyOnWriteArrayList<>();
  /** Requests addressed to one member, on a client of their own (see {@link MemberQueries}). */
  private final MemberQueries memberQueries;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ExecutorService sender;
  /** Entries sent and not yet answered; touched only on the sender thread. */
  private int inFlight;
  /** Whether the entries in flight went to this node's own division; touched only on the sender thread. */
  private boolean inFlightLocal;
  private final LongAdder sentLocally = new LongAdder();
  private final LongAdder sentThroughClient = new LongAdder();

  private record Pending(VolumeEvent event, int bytes, CompletableFuture<EventOutcome> done) {}

  private GroupLog(ReplicaGroup group, Supplier<Optional<RaftGroup>> localMembers,
      Supplier<Optional<RaftServer.Division>> localDivision, Supplier<Optional<ReplicaGroup>> recordedMembers) {
    this.group = group;
    this.local = new LocalLeaderSubmitter(group.id(), localDivision);
    this.localMembers = localMembers;
    this.recordedMembers = recordedMembers;
    this.members = group.toRaftGroup();
    this.client = newClient(members);
    this.memberQueries = new MemberQueries(group.toRaftGroup());
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "group-log-" + group.streamName().substring(0, 8));
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * @param localMembers the group's members as this node's own division knows them, if it has one:
   *     asked first when a member this client addressed has left
   * @param localDivision this node's own division of the group, if it hosts one: entries go to it
   *     directly while it leads the group
   * @param recordedMembers the members the cluster's records name: asked last, when neither this
   *     node's division nor any member this client knows reports the group (it moved away entirely)
   */
  static GroupLog open(ReplicaGroup group, Supplier<Optional<RaftGroup>> localMembers,
      Supplier<Optional<RaftServer.Division>> localDivision, Supplier<Optional<ReplicaGroup>> recordedMembers) {
    return new GroupLog(group, localMembers, localDivision, recordedMembers);
  }

  private static RaftClient newClient(RaftGroup members) {
    return RaftClient.newBuilder()
        .setRaftGroup(members)
        .setProperties(RaftSettings.clientProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(RETRIES, RETRY_SLEEP))
        .build();
  }

  /**
   * Appends {@code event} to the group's log. The future fails with {@link JournalException} when
   * the group cannot commit it (no leader within the retry budget); a committed event that the state
   * machine refused completes normally with a non-OK outcome.
   */
  public CompletableFuture<EventOutcome> submit(VolumeEvent event) {
    int bytes = EVENT_OVERHEAD_BYTES + (event instanceof VolumeEvent.Write w ? w.data().remaining() : 0);
    Pending pending = new Pending(event, bytes, new CompletableFuture<>());
    queue.add(pending);
    try {
      sender.execute(this::sendWhileRoom);
    } catch (RejectedExecutionException e) {
      queue.remove(pending);
      pending.done().completeExceptionally(new JournalException("the log of replica group " + group.id() + " is closed", e));
    }
    return pending.done();
  }

  /** Sends queued events while fewer than the limit of entries are in flight. On the sender thread. */
  private void sendWhileRoom() {
    while (inFlight < MAX_BATCHES_IN_FLIGHT && !queue.isEmpty()) {
      Optional<RaftServer.Division> leader = local.readyLeader();
      if (inFlight > 0 && leader.isPresent() != inFlightLocal) {
        break; // the way changed: let what is in flight the other way land first, so order holds
      }
      inFlightLocal = leader.isPresent();
      List<Pending> batch = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_BATCH_EVENTS
          && (batch.isEmpty() || bytes + queue.peek().bytes() <= MAX_BATCH_BYTES)) {
        Pending next = queue.poll();
        bytes += next.bytes();
        batch.add(next);
      }
      inFlight++;
      // One sender thread: entries reach the log in submission order.
      VolumeEvent entry = batch.size() == 1
          ? batch.get(0).event()
          : new VolumeEvent.Batch(batch.stream().map(Pending::event).toList());
      send(batch, entry, 0, leader);
    }
  }

  private void send(List<Pending> batch, VolumeEvent entry, int attempt) {
    send(batch, entry, attempt, local.readyLeader());
  }

  private void send(List<Pending> batch, VolumeEvent entry, int attempt, Optional<RaftServer.Division> leader) {
    if (leader.isPresent()) {
      sentLocally.increment();
      local.submit(leader.get(), Message.valueOf(EventCodec.encode(entry)))
          .whenCompleteAsync((reply, error) -> completed(batch, entry, attempt, null, reply, error), sender);
      return;
    }
    sentThroughClient.increment();
    RaftClient used = client;
    used.async().send(Message.valueOf(EventCodec.encode(entry)))
        .whenCompleteAsync((reply, error) -> completed(batch, entry, attempt, used, reply, error), sender);
  }

  /**
   * A client whose requests reached a node that left the group (after {@code volume ha-update} or
   * {@code cluster delete}) is useless from then on; the entry is sent again through a client of the
   * current members. It may have been appended already if it was in flight behind the refused one:
   * it then lands twice, which before its acknowledgement changes nothing a client could rely on.
   */
  private boolean resendAfterMembersChanged(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used,
      Throwable cause) {
    if (attempt >= HANDOVER_RESENDS || !membersChanged(cause) || !reconnect(used)) {
      return false;
    }
    // Spaced like a handover: a member may be between leaving and rejoining (a role change).
    CompletableFuture.delayedExecutor(HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, sender)
        .execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /** Whether a request failed because the client addressed a node no longer in the group. */
  private boolean membersChanged(Throwable cause) {
    return !sender.isShutdown() && (cause instanceof GroupMismatchException || cause instanceof AlreadyClosedException);
  }

  /**
   * Replaces {@code used} (unless that happened already) with a client of the members the group has
   * now, as this node's own division, else the first known member still hosting the group, else the
   * cluster's records report them. On the sender thread.
   *
   * @return false when nobody could say (the request then fails as it is)
   */
  private boolean reconnect(RaftClient used) {
    if (client != used) {
      return true;
    }
    Optional<RaftGroup> asked = localMembers.get().or(() -> askMembers(used)).or(() -> recordedMembers.get()
        .map(ReplicaGroup::toRaftGroup)
        .filter(recorded -> !new HashSet<>(recorded.getPeers()).equals(new HashSet<>(members.getPeers()))));
    if (asked.isEmpty()) {
      LOG.warn("replica group {}: a member this client addressed left, and neither any of {} nor the cluster's"
          + " records report other members", group.id(), members.getPeers());
      return false;
    }
    RaftGroup now = asked.get();
    LOG.info("replica group {}: a member it addressed left; its client now addresses {}", group.id(), now.getPeers());
    formerClients.add(used);
    members = now;
    client = newClient(now);
    return true;
  }

  /** The group's members as the first member still hosting it reports them; empty if none answers. */
  private Optional<RaftGroup> askMembers(RaftClient via) {
    for (RaftPeer peer : members.getPeers()) {
      try {
        GroupInfoReply info = via.getGroupManagementApi(peer.getId()).info(group.id());
        if (info.isSuccess()) {
          return Optional.of(info.getGroup());
        }
      } catch (IOException | RuntimeException e) {
        // Left the group, or down: ask the next one.
      }
    }
    return Optional.empty();
  }

  /** The group's members (with their roles) as Ratis knows them now; empty if no known member answers. */
  public Optional<List<ReplicaPeer>> currentMembers() {
    return askMembers(client).map(g -> g.getPeers().stream().map(ReplicaGroup::peerOf).toList());
  }

  /**
   * A leader handing over (its group's leadership moving to where a volume is attached) refuses new
   * entries before appending them, and Ratis' client does not retry that: so the entry is sent again
   * here, once the new leader can take it. Safe because the refused entry was never in the log.
   */
  private boolean resendAfterHandover(List<Pending> batch, VolumeEvent entry, int attempt, Throwable cause) {
    if (attempt >= HANDOVER_RESENDS
        || !(cause instanceof LeaderSteppingDownException || cause instanceof TransferLeadershipException)) {
      return false;
    }
    CompletableFuture.delayedExecutor(HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, sender)
        .execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /**
   * This node's division refused an entry because it stopped leading (or is not ready yet after an
   * election): the entry never reached its log, so it goes again, through the client if need be.
   */
  private boolean resendAfterLocalLeadershipLost(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used,
      Throwable cause) {
    if (used != null || attempt >= HANDOVER_RESENDS || !LocalLeaderSubmitter.lostLeadership(cause)) {
      return false;
    }
    sender.execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /** @param used the client the entry went through; null when it went to this node's own division */
  private void completed(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used, RaftClientReply reply,
      Throwable error) {
    Throwable refused = error != null ? unwrap(error) : reply.isSuccess() ? null : reply.getException();
    if (refused != null && (resendAfterLocalLeadershipLost(batch, entry, attempt, used, refused)
        || resendAfterHandover(batch, entry, attempt, refused)
        || resendAfterMembersChanged(batch, entry, attempt, used, refused))) {
      return;
    }
    try {
      if (error != null || !reply.isSuccess()) {
        Throwable cause = error != null ? unwrap(error) : reply.getException();
        JournalException failure = new JournalException(
            "replica group " + group.id() + " did not commit " + describe(entry) + ": " + cause, cause);
        batch.forEach(p -> p.done().completeExceptionally(failure));
      } else if (batch.size() == 1) {
        batch.get(0).done().complete(EventOutcome.decode(reply.getMessage().getContent(), reply.getLogIndex()));
      } else {
        List<EventOutcome> outcomes = EventOutcome.decodeAll(reply.getMessage().getContent(), reply.getLogIndex());
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).done().complete(outcomes.get(i));
        }
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(
          new JournalException("replica group " + group.id() + " sent an unreadable reply: " + e, e)));
    } finally {
      inFlight--;
      sendWhileRoom();
    }
  }

  // ------------------------------------------------------------------ reads through the group

  /**
   * The index a replica must have applied before a local read is fresh: the leader's applied index,
   * learned by a linearizable read (so no write acknowledged anywhere is missed).
   */
  public CompletableFuture<Long> appliedIndex() {
    return query(new VolumeQuery.AppliedIndex()).thenApply(b -> b.asReadOnlyByteBuffer().getLong());
  }

  /** A volume's size as the group's current leader knows it; empty if it has no such volume. */
  public CompletableFuture<java.util.OptionalLong> size(long volumeId) {
    return query(new VolumeQuery.Size(volumeId)).thenApply(b -> b.isEmpty()
        ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(b.asReadOnlyByteBuffer().getLong()));
  }

  /** Bytes of a volume read by the group (for nodes that hold no replica), as a read-only buffer. */
  public CompletableFuture<ByteBuffer> read(long volumeId, long offset, int length) {
    return query(new VolumeQuery.Read(volumeId, offset, length)).thenApply(ByteString::asReadOnlyByteBuffer);
  }

  /** Bytes of a volume as one given member's store holds them (to repair a damaged local copy). */
  public CompletableFuture<ByteBuffer> readFrom(String nodeId, long volumeId, long offset, int length) {
    return memberQueries.askCaughtUp(nodeId, new VolumeQuery.Read(volumeId, offset, length))
        .thenApply(ByteString::asReadOnlyByteBuffer);
  }

  /** How far a member's rebuild has come; empty when it is not rebuilding. Asked of the member itself. */
  public CompletableFuture<Optional<io.pxlite.journal.event.RebuildProgress>> rebuildProgress(String nodeId) {
    return memberQueries.ask(nodeId, new VolumeQuery.RebuildStatus()).thenApply(b -> b.isEmpty()
        ? Optional.empty() : Optional.of(io.pxlite.journal.event.RebuildProgress.decode(b)));
  }

  /** A linearizable read by the leader. */
  private CompletableFuture<ByteString> query(VolumeQuery q) {
    return query(q, 0);
  }

  private CompletableFuture<ByteString> query(VolumeQuery q, int attempt) {
    RaftClient used = client;
    return used.async().sendReadOnly(Message.valueOf(VolumeQuery.encode(q))).handle((reply, error) -> {
      Throwable cause = error != null ? unwrap(error) : reply.isSuccess() ? null : reply.getException();
      if (cause == null) {
        return CompletableFuture.completedFuture(reply.getMessage().getContent());
      }
      Supplier<CompletableFuture<ByteString>> failed = () -> CompletableFuture.failedFuture(
          new JournalException("replica group " + group.id() + " did not answer " + q + ": " + cause, cause));
      if (attempt >= HANDOVER_RESENDS || !membersChanged(cause)) {
        return failed.get();
      }
      return CompletableFuture.supplyAsync(() -> reconnect(used),
              CompletableFuture.delayedExecutor(HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, sender))
          .thenCompose(reconnected -> reconnected ? query(q, attempt + 1) : failed.get());
    }).thenCompose(f -> f);
  }

  // ------------------------------------------------------------------ leadership and state

  /** Asks the group to make {@code nodeId} its leader; false if it did not happen within the timeout. */
  public boolean transferLeadership(String nodeId, java.time.Duration timeout) {
    try {
      return client.admin().transferLeadership(RaftPeerId.valueOf(nodeId), timeout.toMillis()).isSuccess();
    } catch (IOException e) {
      return false;
    }
  }

  /** What the group's leader reports about itself and its followers. */
  public GroupStatus status() {
    return GroupStatus.ask(client, group);
  }

  /** Log entries (each one event or a batch) sent straight to this node's own division, resends included. */
  public long entriesSentLocally() {
    return sentLocally.sum();
  }

  /** Log entries sent through the Ratis client (the leader is elsewhere, or not ready), resends included. */
  public long entriesSentThroughClient() {
    return sentThroughClient.sum();
  }

  public ReplicaGroup group() {
    return group;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private static String describe(VolumeEvent event) {
    if (event instanceof VolumeEvent.Batch b) {
      return "a batch of " + b.events().size() + " events";
    }
    return event.getClass().getSimpleName() + " of " + Long.toUnsignedString(event.targetId(), 16);
  }

  @Override
  public void close() {
    sender.shutdown();
    memberQueries.close();
    try {
      for (RaftClient former : formerClients) {
        former.close();
      }
      client.close();
    } catch (IOException e) {
      throw new JournalException("closing the client of replica group " + group.id() + ": " + e.getMessage(), e);
    }
  }
}
