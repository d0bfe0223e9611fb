package io.pxlite.statemachine;

import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.EventOutcome.Code;
import io.pxlite.journal.event.MalformedEventException;
import io.pxlite.journal.event.VolumeQuery;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The state machine of one replica group on this node: applies the group's committed events into
 * the node's block store, under the group's own log stream.
 */
public final class VolumeStateMachine extends BaseStateMachine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VolumeStateMachine.class);
  /** The largest read one query may ask for; the NBD server splits nothing, so it must cover a request. */
  static final int MAX_READ_BYTES = 32 << 20;

  /** Rebuilds run off Ratis' threads: a copy takes as long as the data it moves. */
  private static final java.util.concurrent.ExecutorService REBUILDS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "replica-rebuild");
    t.setDaemon(true);
    return t;
  });

  private final BlockStore store;
  private final EventApplier applier;
  /** Held while one log entry is applied, so an export never freezes the store inside an entry. */
  private final java.util.concurrent.locks.ReentrantLock entryLock = new java.util.concurrent.locks.ReentrantLock();
  private String stream;
  private volatile Boolean witness;
  private StoreCheckpointStorage checkpoints;
  private ExportSessions exports;
  private final ForegroundActivity clients;
  private volatile ReplicaRebuild rebuild;
  private volatile boolean closed;
  /** This group's Raft log, where entries a follower appended are read back to be applied; found on first use, on the apply thread. */
  private org.apache.ratis.server.raftlog.RaftLog log;
  /** Stops this group hearing of its store's failure, once the group is closed. */
  private Runnable storeFailureSubscription = () -> {};

  private VolumeStateMachine(BlockStore store, ForegroundActivity clients) {
    this.store = store;
    this.clients = clients;
    this.applier = new EventApplier(store, this::releaseLeadership);
  }

  /**
   * One state machine per group, all over the same block store; {@code clients} says when this
   * node's clients are busy, so rebuilds yield to them.
   */
  public static StateMachine.Registry registry(BlockStore store) {
    return registry(store, new ForegroundActivity());
  }

  public static StateMachine.Registry registry(BlockStore store, ForegroundActivity clients) {
    return groupId -> new VolumeStateMachine(store, clients);
  }

  /** The block-store stream name of a Raft group: the group's UUID. */
  public static String streamOf(RaftGroupId groupId) {
    return groupId.getUuid().toString();
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    this.stream = streamOf(groupId);
    ApplyPosition durable = store.applied(stream);
    this.checkpoints = new StoreCheckpointStorage(durable);
    if (durable.index() >= 0) {
      setLastAppliedTermIndex(TermIndex.valueOf(durable.term(), durable.index()));
    }
    this.exports = new ExportSessions(stream);
    // A failed store fails every replica on it, also those of groups that apply nothing meanwhile:
    // they must stop leading and stop answering reads now, not at their next write.
    this.storeFailureSubscription = store.whenFailed(f -> applier.storeFailed(
        (f.device() != null ? "device " + f.device() + " (" + f.deviceId() + ") failed: " : "") + f.reason(), stream));
    getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.STARTING);
    getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.RUNNING);
  }

  /** Ratis pauses the state machine to install a rebuilt state (see {@link #reinitialize}). */
  @Override
  public void pause() {
    if (getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.RUNNING) {
      getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSING);
      getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSED);
    }
  }

  /** After a rebuild: the store holds the copied state at its position; apply continues after it. */
  @Override
  public void reinitialize() {
    ApplyPosition position = store.applied(stream);
    checkpoints.checkpointedAt(position);
    setLastAppliedTermIndex(TermIndex.valueOf(position.term(), position.index()));
    if (getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.PAUSED) {
      getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.STARTING);
      getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.RUNNING);
    }
  }

  /**
   * The leader's log no longer reaches back to this member's position: rebuild this member's copy of
   * the group from a healthy member ({@link ReplicaRebuild}) and tell Ratis the position it reflects.
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
      org.apache.ratis.proto.RaftProtos.RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
    try {
      RaftServer server = getServer().get();
      org.apache.ratis.protocol.RaftGroup group = server.getDivision(getGroupId()).getGroup();
      String leader = roleInfo.hasFollowerInfo() && roleInfo.getFollowerInfo().hasLeaderInfo()
          ? org.apache.ratis.protocol.RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId()).toString()
          : null;
      ReplicaRebuild r = new ReplicaRebuild(store, stream, server.getId().toString(), witness(), clients);
      rebuild = r;
      return CompletableFuture.supplyAsync(() -> {
        try {
          return r.run(group, leader, firstTermIndexInLog.getIndex() - 1, () -> closed);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("rebuild of group " + getGroupId() + " interrupted", e);
        } finally {
          rebuild = null;
        }
      }, REBUILDS);
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      return CompletableFuture.failedFuture(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * This node left the group (its division is being removed): the group's volumes here are no
   * replica any more, and a later return must start from nothing, so its data and position go.
   */
  @Override
  public void notifyGroupRemove() {
    exports.closeAll();
    try {
      store.dropStream(stream);
    } catch (io.pxlite.store.StoreException e) {
      // A failed store can change nothing; its data for the group stays until the store is rebuilt,
      // and the group's removal from this node must not fail because of it.
      LOG.error("group {}: this node left the group but could not drop its volumes and position here: {}",
          getGroupId(), e.getMessage(), e);
      return;
    }
    LOG.info("group {}: this node left the group; dropped its volumes and position here", getGroupId());
  }

  /** An unhealthy replica leads no more: the group's healthy members take its writes and reads. */
  private void releaseLeadership() {
    getServer().thenAccept(server -> LeadershipRelease.start(server, getGroupId()));
  }

  @Override
  public void close() throws IOException {
    closed = true;
    storeFailureSubscription.run();
    if (exports != null) {
      exports.closeAll();
    }
    super.close();
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return checkpoints;
  }

  /**
   * Whether this node is the group's witness: it keeps and votes on the log but holds no volume data,
   * so it only moves its applied position. Read from the group's configuration (the witness is the
   * member with {@link ReplicaGroup#WITNESS_PRIORITY}) on first use, when the division exists.
   */
  private boolean witness() {
    Boolean known = witness;
    if (known == null) {
      try {
        RaftServer server = getServer().get();
        RaftPeer me = server.getDivision(getGroupId()).getRaftConf().getPeer(server.getId());
        known = me != null && me.getPriority() == ReplicaGroup.WITNESS_PRIORITY;
      } catch (IOException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("cannot read the configuration of group " + getGroupId(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted reading the configuration of group " + getGroupId(), e);
      }
      witness = known;
    }
    return known;
  }

  /**
   * The context of an entry this replica did not propose (a follower's, or a replay's): its header
   * only. Ratis makes it when the entry is appended and keeps it until the entry is applied, and a
   * replica catching up appends far faster than it applies: with the entry in it, every payload
   * between the two stayed on the heap (a node catching up a minute of writes ran out of memory).
   * {@link #applyTransaction} reads such an entry back from the log, whose cache Ratis bounds.
   */
  @Override
  public TransactionContext startTransaction(LogEntryProto entry, RaftPeerRole role) {
    LogEntryProto header = entry.hasStateMachineLogEntry()
        ? entry.toBuilder().setStateMachineLogEntry(
            entry.getStateMachineLogEntry().toBuilder().setLogData(ByteString.EMPTY)).build()
        : entry;
    return TransactionContext.newBuilder().setStateMachine(this).setLogEntry(header).setServerRole(role).build();
  }

  /** An entry's events: from its context when this replica proposed it, else read back from the log. */
  private ByteString eventsOf(LogEntryProto entry) {
    ByteString events = entry.getStateMachineLogEntry().getLogData();
    if (!events.isEmpty()) {
      return events;
    }
    LogEntryProto logged;
    try {
      if (log == null) {
        log = getServer().get().getDivision(getGroupId()).getRaftLog();
      }
      logged = log.get(entry.getIndex());
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read log entry " + entry.getIndex() + " of group " + getGroupId()
          + " back to apply it: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading log entry " + entry.getIndex() + " of group " + getGroupId(), e);
    }
    if (logged == null || logged.getTerm() != entry.getTerm()) {
      throw new IllegalStateException("log entry " + entry.getIndex() + " (term " + entry.getTerm() + ") of group "
          + getGroupId() + " is no longer in the log to be applied: found " + (logged == null ? "none" : "term " + logged.getTerm()));
    }
    ByteString readBack = logged.getStateMachineLogEntry().getLogData();
    if (readBack.isEmpty()) {
      // pxlite never logs an empty entry: skipping it as malformed would lose whatever it held.
      throw new IllegalStateException("log entry " + entry.getIndex() + " of group " + getGroupId() + " read back empty");
    }
    return readBack;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ApplyPosition at = new ApplyPosition(stream, entry.getIndex(), entry.getTerm());
    entryLock.lock();
    try {
      if (witness()) {
        applier.recordApplied(at);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        // Never read: a witness never leads, so it answers no client.
        return CompletableFuture.completedFuture(Message.EMPTY);
      }
      ByteString events;
      try {
        events = eventsOf(entry);
      } catch (IllegalStateException e) {
        // Like any failure to apply: this replica can no longer vouch for its state (see EventApplier).
        return CompletableFuture.completedFuture(Message.valueOf(
            EventOutcome.failed(Code.REPLICA_UNHEALTHY, applier.markUnhealthy(at, "reading back", e)).encode()));
      }
      ByteString outcome = applier.applyEntry(at, events);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(Message.valueOf(outcome));
    } finally {
      entryLock.unlock();
    }
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Configuration and leader-change entries change no volume, but the store's position must still
    // pass them so that the durable position Ratis restarts from is never behind a purged entry.
    entryLock.lock();
    try {
      applier.recordApplied(new ApplyPosition(stream, index, term));
      super.notifyTermIndexUpdated(term, index);
    } finally {
      entryLock.unlock();
    }
  }

  /**
   * Answers a {@link VolumeQuery} from this replica's store. Ratis calls it for a linearizable read
   * only once this replica has applied everything committed before the read, so the answer is fresh.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      VolumeQuery q = VolumeQuery.decode(request.getContent());
      if (q instanceof VolumeQuery.RebuildStatus) {
        ReplicaRebuild r = rebuild;
        return CompletableFuture.completedFuture(r == null ? Message.EMPTY : Message.valueOf(r.progress().encode()));
      }
      if (witness() && !(q instanceof VolumeQuery.AppliedIndex)) {
        throw new IllegalStateException("this member of group " + getGroupId() + " is a witness and holds no data");
      }
      String unhealthy = applier.unhealthyReason();
      if (unhealthy != null && !(q instanceof VolumeQuery.AppliedIndex)) {
        // Ratis counts refused entries as applied, so its read index would let a stale answer out.
        throw new IllegalStateException("this member of group " + getGroupId() + " cannot answer: " + unhealthy);
      }
      if (q instanceof VolumeQuery.AppliedIndex) {
        return CompletableFuture.completedFuture(Message.valueOf(
            ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, getLastAppliedTermIndex().getIndex()))));
      }
      if (q instanceof VolumeQuery.Size size) {
        if (!store.hasVolume(size.volumeId())) {
          return CompletableFuture.completedFuture(Message.EMPTY);
        }
        long bytes = store.view(size.volumeId()).sizeBytes();
        return CompletableFuture.completedFuture(Message.valueOf(
            ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, bytes))));
      }
      if (q instanceof VolumeQuery.ExportOpen) {
        return CompletableFuture.completedFuture(Message.valueOf(ExportCodec.manifest(exports.open(store, () -> {
          entryLock.lock();
          try {
            return store.openStreamSnapshot(stream);
          } finally {
            entryLock.unlock();
          }
        }))));
      }
      if (q instanceof VolumeQuery.ExportRead r) {
        return CompletableFuture.completedFuture(Message.valueOf(ExportCodec.chunk(
            exports.read(r.session(), r.volumeId(), r.block(), r.version(), Math.min(r.maxVersions(), ReplicaRebuild.CHUNK_VERSIONS)),
            clients.busy())));
      }
      if (q instanceof VolumeQuery.ExportClose c) {
        exports.close(c.session());
        return CompletableFuture.completedFuture(Message.EMPTY);
      }
      VolumeQuery.Read read = (VolumeQuery.Read) q;
      if (read.length() < 0 || read.length() > MAX_READ_BYTES) {
        throw new MalformedEventException("read of " + read.length() + " bytes (at most " + MAX_READ_BYTES + ")");
      }
      ByteBuffer data = ByteBuffer.allocate(read.length());
      store.view(read.volumeId()).read(read.offset(), data);
      return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(data.array())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long takeSnapshot() {
    // Runs on the apply thread, so the position cannot move while the store checkpoints.
    ApplyPosition position = store.applied(stream);
    try {
      store.checkpoint();
    } catch (RuntimeException e) {
      // Ratis' apply thread dies on an exception from here, and the server with it. No checkpoint
      // means no purge: returning no index keeps the whole log since the last durable checkpoint.
      applier.markUnhealthy(position, "checkpointing", e);
      return org.apache.ratis.server.raftlog.RaftLog.INVALID_LOG_INDEX;
    }
    checkpoints.checkpointedAt(position);
    LOG.info("group {}: store checkpointed at log index {}; the log up to it may be purged once every member has it",
        getGroupId(), position.index());
    return position.index();
  }

  /** Why this replica stopped applying, or null while healthy. */
  public String unhealthyReason() {
    return applier.unhealthyReason();
  }
}
