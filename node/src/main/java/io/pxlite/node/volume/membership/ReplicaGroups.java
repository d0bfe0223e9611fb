package io.pxlite.node.volume.membership;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica groups this node submits to, by group id. A group's members come from the volume's
 * replica list; their Raft addresses from the node records, looked up once per group and then kept,
 * so the data path does not go to the kvdb. A node that holds no replica of a volume still submits
 * to (and reads through) its group as a client.
 */
public final class ReplicaGroups {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaGroups.class);

  private final JournalServer journal;
  private final ClusterCatalog catalog;
  private final ReplicaPeer self;
  private final Map<String, GroupLog> logs = new ConcurrentHashMap<>();

  public ReplicaGroups(JournalServer journal, ClusterCatalog catalog, ReplicaPeer self) {
    this.journal = journal;
    this.catalog = catalog;
    this.self = self;
  }

  public String selfId() {
    return self.nodeId();
  }

  /**
   * The group a new volume placed on {@code nodeIds}, with {@code witness} (may be null), joins: the
   * group of a volume on exactly these members if there is one (volumes on the same nodes share a
   * group), else a new group.
   */
  public ReplicaGroup groupForNewVolume(List<String> nodeIds, String witness) {
    List<ReplicaPeer> peers = peers(nodeIds, witness);
    ReplicaGroup fresh = ReplicaGroup.newGroup(peers);
    return catalog.volumes().stream()
        .filter(v -> sameMembers(fresh, v))
        .findFirst()
        .map(v -> ReplicaGroup.withId(v.replicaGroup(), peers))
        .orElse(fresh);
  }

  /** Group {@code id} with these members (it may have been formed with others). */
  public ReplicaGroup groupWithId(String id, List<String> nodeIds, String witness) {
    return ReplicaGroup.withId(id, peers(nodeIds, witness));
  }

  private List<ReplicaPeer> peers(List<String> nodeIds, String witness) {
    Map<String, NodeRecord> nodes = nodeIds.equals(List.of(self.nodeId())) && witness == null
        ? Map.of()
        : catalog.nodes().stream().collect(Collectors.toMap(NodeRecord::id, n -> n));
    List<ReplicaPeer> peers = new java.util.ArrayList<>(nodeIds.stream()
        .map(id -> id.equals(self.nodeId()) ? self : peer(nodes.get(id), id))
        .toList());
    if (witness != null) {
      peers.add((witness.equals(self.nodeId()) ? self : peer(nodes.get(witness), witness)).asWitness());
    }
    return peers;
  }

  /** A volume's group as its record has it now: the id it was formed with, the current members. */
  public ReplicaGroup groupOf(VolumeRecord v) {
    return groupWithId(v.replicaGroup(), v.replicas(), v.witness());
  }

  /** The members {@code v}'s group has as Ratis knows them; empty when no member answers. */
  public Optional<List<ReplicaPeer>> membersOf(VolumeRecord v) {
    return logOf(v).currentMembers();
  }

  /**
   * Moves a group to other members while it stays in use (see {@code GroupMembership}); on this node
   * the group's client is opened anew with the new members.
   *
   * @return nodes that left but could not drop their copy now (down); they do when they start
   */
  public List<String> changeMembers(ReplicaGroup from, ReplicaGroup to, java.time.Duration timeout) {
    List<String> notRemoved = journal.changeMembers(from, to, timeout);
    logs.remove(to.streamName());
    return notRemoved;
  }

  private boolean member(VolumeRecord v) {
    return v.replicas().contains(self.nodeId()) || self.nodeId().equals(v.witness());
  }

  private static ReplicaPeer peer(NodeRecord node, String id) {
    if (node == null) {
      throw new IllegalStateException("node " + id + " is not registered in the cluster");
    }
    return new ReplicaPeer(node.id(), node.raftAddress());
  }

  /**
   * The log of a volume's group, per a record just read from the kvdb; a member that does not host the
   * group yet joins it first.
   */
  public GroupLog logOf(VolumeRecord current) {
    GroupLog log = logs.get(current.replicaGroup());
    if (log != null && sameMembers(log.group(), current)) {
      return log;
    }
    if (log != null) {
      // The group's members changed (ha-update on another node): a client with the new members.
      logs.remove(current.replicaGroup(), log);
      journal.forgetLog(log.group());
    }
    ReplicaGroup group = groupOf(current);
    if (member(current)) {
      journal.hostLocally(group);
    }
    return logs.computeIfAbsent(group.streamName(), id -> openLog(group));
  }

  /**
   * The log of a volume's group per a record that may be behind (the cache, while the kvdb is away):
   * the client this node has, else one of the recorded members. Never hosts the group: a stale record
   * may still name this node after it left, and a division made from it would hold nothing.
   */
  public GroupLog clientOf(VolumeRecord cached) {
    return logs.computeIfAbsent(cached.replicaGroup(), id -> openLog(groupOf(cached)));
  }

  private GroupLog openLog(ReplicaGroup group) {
    return journal.log(group, () -> recordedMembers(group.streamName()));
  }

  /** The members the catalog names for a group now; empty while the kvdb is away or no volume uses it. */
  private Optional<ReplicaGroup> recordedMembers(String stream) {
    try {
      return catalog.volumes().stream().filter(v -> v.replicaGroup().equals(stream)).findFirst().map(this::groupOf);
    } catch (KvdbUnavailableException | IllegalStateException e) {
      LOG.info("cannot read the recorded members of replica group {}: {}", stream, e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean sameMembers(ReplicaGroup group, VolumeRecord v) {
    java.util.Set<String> members = new java.util.HashSet<>(v.replicas());
    if (v.witness() != null) {
      members.add(v.witness() + "~witness");
    }
    java.util.Set<String> have = new java.util.HashSet<>();
    group.peers().forEach(p -> have.add(p.witness() ? p.nodeId() + "~witness" : p.nodeId()));
    return members.equals(have);
  }

  /** Forms a new group on all its members (a majority must be reachable). */
  public GroupLog join(ReplicaGroup group) {
    return logs.computeIfAbsent(group.streamName(),
        id -> journal.join(group, () -> recordedMembers(group.streamName())));
  }

  /**
   * At start: hosts every group this node is a member of per the catalog, including groups formed
   * while it was down (Ratis reopens those it already had by itself). The leader then sends what the
   * new member is missing.
   */
  public void joinMemberships() {
    leaveFormerGroups();
    for (VolumeRecord v : catalog.cachedVolumes()) {
      if (!member(v) || (v.replicas().size() == 1 && v.witness() == null)) {
        continue;
      }
      try {
        if (journal.hostLocally(groupOf(v))) {
          LOG.info("joined replica group {} of volume {} (formed while this node was away)", v.replicaGroup(), v.name());
        }
      } catch (KvdbUnavailableException | IllegalStateException e) {
        LOG.warn("cannot join the replica group of volume {} now: {}", v.name(), e.getMessage());
      }
    }
  }

  /**
   * At start: drops this node's division (and so its copy) of every group the catalog says it left
   * while it was down ({@code volume ha-update}, {@code cluster delete}). Only on a fresh catalog:
   * a stale cache must never make a node drop a replica it still holds.
   */
  private void leaveFormerGroups() {
    List<VolumeRecord> volumes;
    try {
      volumes = catalog.volumes();
    } catch (KvdbUnavailableException e) {
      LOG.info("kvdb unreachable; groups this node may have left are dropped at a later start: {}", e.getMessage());
      return;
    }
    for (String stream : journal.hostedGroups()) {
      List<VolumeRecord> of = volumes.stream().filter(v -> v.replicaGroup().equals(stream)).toList();
      if (!of.isEmpty() && of.stream().noneMatch(this::member)) {
        LOG.info("this node left replica group {} (volumes {}) while it was down; dropping its copy", stream,
            of.stream().map(VolumeRecord::name).toList());
        journal.leaveLocally(stream);
      }
    }
  }
}
