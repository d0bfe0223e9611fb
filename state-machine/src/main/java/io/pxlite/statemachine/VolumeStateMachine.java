package io.pxlite.statemachine;

import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.event.MalformedEventException;
import io.pxlite.journal.event.VolumeQuery;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
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
  /** The largest read one query may ask for; the NBD server splits nothing, so it must cover a request. */
  static final int MAX_READ_BYTES = 32 << 20;

  private final BlockStore store;
  private final EventApplier applier;
  private String stream;
  private volatile Boolean witness;
  private StoreCheckpointStorage checkpoints;

  private VolumeStateMachine(BlockStore store) {
    this.store = store;
    this.applier = new EventApplier(store);
  }

  /** One state machine per group, all over the same block store. */
  public static StateMachine.Registry registry(BlockStore store) {
    return groupId -> new VolumeStateMachine(store);
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

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ApplyPosition at = new ApplyPosition(stream, entry.getIndex(), entry.getTerm());
    if (witness()) {
      applier.recordApplied(at);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      // Never read: a witness never leads, so it answers no client.
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    ByteString outcome = applier.applyEntry(at, entry.getStateMachineLogEntry().getLogData());
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(Message.valueOf(outcome));
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Configuration and leader-change entries change no volume, but the store's position must still
    // pass them so that the durable position Ratis restarts from is never behind a purged entry.
    applier.recordApplied(new ApplyPosition(stream, index, term));
    super.notifyTermIndexUpdated(term, index);
  }

  /**
   * Answers a {@link VolumeQuery} from this replica's store. Ratis calls it for a linearizable read
   * only once this replica has applied everything committed before the read, so the answer is fresh.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      VolumeQuery q = VolumeQuery.decode(request.getContent());
      if (witness() && !(q instanceof VolumeQuery.AppliedIndex)) {
        throw new IllegalStateException("this member of group " + getGroupId() + " is a witness and holds no data");
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
    store.checkpoint();
    checkpoints.checkpointedAt(position);
    return position.index();
  }

  /** Why this replica stopped applying, or null while healthy. */
  public String unhealthyReason() {
    return applier.unhealthyReason();
  }
}
