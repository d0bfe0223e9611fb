package io.pxlite.node.volume.membership;

import io.pxlite.api.ApiException;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a node out of the cluster ({@code pxctl cluster delete}). Every replica group it belongs to
 * first gets another member in its place — a new replica copied from the group (from the node itself
 * while it runs, else from the other replicas), or a new witness — and only then loses the node.
 * Everything is planned before anything changes, so a node that cannot be handed off entirely (a
 * volume whose only replica is on it while it is offline; no node left to take a replica) is refused
 * with nothing changed. Last, the node's record goes and a tombstone keeps it from registering again.
 */
public final class NodeRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRemoval.class);

  private record Handoff(VolumeRecord first, List<VolumeRecord> volumes, List<String> replicas, String witness) {}

  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final String clusterId;

  public NodeRemoval(ClusterCatalog catalog, ReplicaGroups groups, String clusterId) {
    this.catalog = catalog;
    this.groups = groups;
    this.clusterId = clusterId;
  }

  public void remove(String ref) {
    List<NodeRecord> nodes = catalog.nodes();
    NodeRecord gone = nodes.stream()
        .filter(n -> n.id().equals(ref) || n.id().startsWith(ref) || n.mgmtIp().equals(ref))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no node '" + ref + "' in cluster " + clusterId));
    boolean online = catalog.isAlive(gone.id());
    List<Handoff> plan = plan(gone, online, nodes);
    for (Handoff h : plan) {
      VolumeRecord v = h.first();
      ReplicaGroup from = groups.groupOf(v);
      ReplicaGroup to = groups.groupWithId(v.replicaGroup(), h.replicas(), h.witness());
      LOG.info("node {} leaves: group {} of {} goes from {} (witness {}) to {} (witness {})", gone.id(),
          v.replicaGroup(), h.volumes().stream().map(VolumeRecord::name).toList(), v.replicas(), v.witness(),
          h.replicas(), h.witness());
      groups.changeMembers(from, to, ReplicaSetChange.TIMEOUT);
      for (VolumeRecord x : h.volumes()) {
        catalog.updateVolume(new VolumeRecord(x.id(), x.name(), x.sizeBytes(), x.repl(), x.fs(), x.blockSize(),
            x.ioPriority(), x.snapInterval(), x.labels(), x.ctime(), x.replicaGroup(), h.replicas(), h.witness(),
            x.ioLimits(), x.snapSchedules()));
      }
    }
    catalog.removeNode(gone.id(), Instant.now().toString());
    LOG.info("node {} removed from cluster {}; {} replica groups handed to other nodes", gone.id(), clusterId, plan.size());
  }

  private List<Handoff> plan(NodeRecord gone, boolean goneOnline, List<NodeRecord> nodes) {
    Map<String, List<VolumeRecord>> byGroup = new LinkedHashMap<>();
    for (VolumeRecord v : catalog.volumes()) {
      if (v.replicas().contains(gone.id()) || gone.id().equals(v.witness())) {
        byGroup.computeIfAbsent(v.replicaGroup(), g -> new ArrayList<>()).add(v);
      }
    }
    List<Handoff> out = new ArrayList<>();
    for (List<VolumeRecord> volumes : byGroup.values()) {
      VolumeRecord v = volumes.get(0);
      List<String> names = volumes.stream().map(VolumeRecord::name).toList();
      List<String> replicas = new ArrayList<>(v.replicas());
      if (replicas.remove(gone.id())) {
        if (replicas.isEmpty() && !goneOnline) {
          throw ApiException.conflict("volume(s) " + names + " have their only replica on node " + gone.id()
              + ", which is offline, so there is nothing to copy them from; bring the node back first");
        }
        long size = volumes.stream().mapToLong(VolumeRecord::sizeBytes).max().orElse(0);
        String taker = nodes.stream()
            .filter(n -> !n.id().equals(gone.id()) && catalog.isAlive(n.id()) && !replicas.contains(n.id())
                && n.capacityBytes() >= size)
            .sorted(Comparator.<NodeRecord>comparingInt(n -> n.id().equals(v.witness()) ? 1 : 0)
                .thenComparing(Comparator.comparingLong(NodeRecord::freeBytes).reversed())
                .thenComparing(NodeRecord::id))
            .map(NodeRecord::id)
            .findFirst()
            .orElseThrow(() -> ApiException.conflict("no online node can take node " + gone.id() + "'s replica of "
                + names + " (every other online node holds one, or has no room); lower their replication with"
                + " pxctl volume ha-update first"));
        replicas.add(taker);
      }
      String witness = null;
      if (replicas.size() == 2) {
        witness = v.witness() != null && !v.witness().equals(gone.id()) && catalog.isAlive(v.witness())
            && !replicas.contains(v.witness()) ? v.witness()
            : nodes.stream().map(NodeRecord::id)
                .filter(id -> !id.equals(gone.id()) && catalog.isAlive(id) && !replicas.contains(id))
                .sorted().findFirst().orElse(null);
      }
      out.add(new Handoff(v, volumes, List.copyOf(replicas), witness));
    }
    return out;
  }
}
