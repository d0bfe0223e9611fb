package io.pxlite.node.volume;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replica groups this node submits to, by group id. A group's members come from the volume's
 * replica list; their Raft addresses from the node records, looked up once per group and then kept,
 * so the data path does not go to the kvdb.
 */
public final class ReplicaGroups {
  private final JournalServer journal;
  private final ClusterCatalog catalog;
  private final ReplicaPeer self;
  private final Map<String, GroupLog> logs = new ConcurrentHashMap<>();

  public ReplicaGroups(JournalServer journal, ClusterCatalog catalog, ReplicaPeer self) {
    this.journal = journal;
    this.catalog = catalog;
    this.self = self;
  }

  /** The group for a new volume placed on {@code nodeIds}. */
  public ReplicaGroup groupOf(List<String> nodeIds) {
    Map<String, NodeRecord> nodes = nodeIds.equals(List.of(self.nodeId()))
        ? Map.of()
        : catalog.nodes().stream().collect(java.util.stream.Collectors.toMap(NodeRecord::id, n -> n));
    List<ReplicaPeer> peers = nodeIds.stream()
        .map(id -> id.equals(self.nodeId()) ? self : peer(nodes.get(id), id))
        .toList();
    return ReplicaGroup.of(peers);
  }

  private static ReplicaPeer peer(NodeRecord node, String id) {
    if (node == null) {
      throw new IllegalStateException("node " + id + " is not registered in the cluster");
    }
    return new ReplicaPeer(node.id(), node.raftAddress());
  }

  /** The log of a volume's group, joining the group on first use. */
  public GroupLog logOf(VolumeRecord volume) {
    GroupLog log = logs.get(volume.replicaGroup());
    if (log != null) {
      return log;
    }
    return join(groupOf(volume.replicas()));
  }

  public GroupLog join(ReplicaGroup group) {
    return logs.computeIfAbsent(group.streamName(), id -> journal.join(group));
  }
}
