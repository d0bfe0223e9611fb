package io.pxlite.statemachine;

import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
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
  private final BlockStore store;
  private final EventApplier applier;
  private String stream;
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

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ApplyPosition at = new ApplyPosition(stream, entry.getIndex(), entry.getTerm());
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
