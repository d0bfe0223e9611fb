package io.pxlite.statemachine;

import io.pxlite.store.ApplyPosition;
import java.util.List;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;

/**
 * Tells Ratis where the group's durable state stands. pxlite's "snapshot" in Ratis' sense is not a
 * set of files but the block store's last checkpointed position for the group: the log before it may
 * be purged, the log after it is replayed on restart.
 */
final class StoreCheckpointStorage implements StateMachineStorage {
  private volatile ApplyPosition checkpointed;

  StoreCheckpointStorage(ApplyPosition initial) {
    this.checkpointed = initial;
  }

  void checkpointedAt(ApplyPosition position) {
    this.checkpointed = position;
  }

  @Override
  public void init(RaftStorage raftStorage) {
    // Nothing to lay out: the state lives in the block store, not in the Raft storage directory.
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    ApplyPosition p = checkpointed;
    if (p.index() < 0) {
      return null;
    }
    TermIndex termIndex = TermIndex.valueOf(p.term(), p.index());
    return new SnapshotInfo() {
      @Override
      public TermIndex getTermIndex() {
        return termIndex;
      }

      @Override
      public List<FileInfo> getFiles() {
        return List.of();
      }

      @Override
      public String toString() {
        return "store checkpoint " + termIndex;
      }
    };
  }

  @Override
  public void format() {
    // A new group starts with no applied position; the store needs no formatting.
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
    // There is only ever the one current checkpoint.
  }
}
