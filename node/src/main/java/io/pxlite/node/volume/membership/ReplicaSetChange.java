package io.pxlite.node.volume.membership;

import io.pxlite.api.ApiException;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes how many replicas a volume has while it stays in use ({@code pxctl volume ha-update}). The
 * volume's replica group changes members: a new replica is admitted once it caught up (from the log,
 * or rebuilt from a healthy replica), a removed one drops its copy. Volumes sharing the group share
 * its replicas, so they change together; lowering the replication of a shared group is refused, as
 * it would lower theirs without being asked.
 */
public final class ReplicaSetChange {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetChange.class);
  /** A rebuild moves data at disk and network speed; large volumes take minutes. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** The replicas and witness a volume is to have. */
  record Plan(List<String> replicas, String witness) {}

  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final String clusterId;

  public ReplicaSetChange(ClusterCatalog catalog, ReplicaGroups groups, String clusterId) {
    this.catalog = catalog;
    this.groups = groups;
    this.clusterId = clusterId;
  }

  /**
   * Where the replicas go: added ones on the online nodes with the most free space whose store has
   * not failed (a node that is the witness only if no other will do), removed ones from nodes whose
   * store failed first, then from offline nodes, then from the
   * fullest, the node the volume is attached on ({@code attachedOn}, may be null) last. A
   * two-replica volume keeps (or gets) a witness on a third online node. {@code chosen} (may be null,
   * {@code ha-update --node}) names the node to add a replica on, or to remove one from, first.
   *
   * @throws ApiException 400 when the cluster cannot hold {@code repl} replicas, or the chosen node
   *     cannot take (or has no) replica
   */
  static Plan plan(VolumeRecord v, int repl, List<NodeRecord> nodes, Predicate<String> online, String attachedOn,
      String chosen, String clusterId) {
    if (repl < 1) {
      throw ApiException.badRequest("invalid option 'repl': " + repl + " (1 or more)");
    }
    Map<String, NodeRecord> byId = nodes.stream().collect(Collectors.toMap(NodeRecord::id, n -> n));
    List<String> replicas = new ArrayList<>(v.replicas());
    if (chosen != null) {
      checkChosen(v, repl, chosen, byId, online);
    }
    if (repl > replicas.size()) {
      long upCount = nodes.stream().filter(n -> online.test(n.id())).count();
      if (repl > upCount) {
        throw ApiException.badRequest("repl " + repl + " needs " + repl + " nodes; cluster " + clusterId + " has "
            + upCount + " online");
      }
      List<String> candidates = nodes.stream()
          .filter(n -> online.test(n.id()) && !replicas.contains(n.id()) && n.capacityBytes() >= v.sizeBytes()
              && n.storeFailure() == null)
          .sorted(Comparator.<NodeRecord>comparingInt(n -> n.id().equals(chosen) ? 0 : 1)
              .thenComparingInt(n -> n.id().equals(v.witness()) ? 1 : 0)
              .thenComparing(Comparator.comparingLong(NodeRecord::freeBytes).reversed())
              .thenComparing(NodeRecord::id))
          .map(NodeRecord::id)
          .toList();
      int needed = repl - replicas.size();
      if (candidates.size() < needed) {
        throw ApiException.badRequest("repl " + repl + " needs " + needed + " more online nodes with room for "
            + v.name() + "; only " + candidates.size() + " have it");
      }
      replicas.addAll(candidates.subList(0, needed));
    } else if (repl < replicas.size()) {
      List<String> removable = replicas.stream()
          .sorted(Comparator.<String>comparingInt(id -> id.equals(chosen) ? 0 : 1)
              .thenComparingInt(id -> byId.containsKey(id) && byId.get(id).storeFailure() != null ? 0 : 1)
              .thenComparingInt(id -> online.test(id) ? 1 : 0)
              .thenComparingInt(id -> id.equals(attachedOn) ? 1 : 0)
              .thenComparingLong(id -> byId.containsKey(id) ? byId.get(id).freeBytes() : 0)
              .thenComparing(Comparator.reverseOrder()))
          .toList();
      replicas.removeAll(removable.subList(0, replicas.size() - repl));
    }
    String witness = null;
    if (replicas.size() == 2) {
      witness = v.witness() != null && online.test(v.witness()) && !replicas.contains(v.witness()) ? v.witness()
          : nodes.stream().map(NodeRecord::id).filter(id -> online.test(id) && !replicas.contains(id)).sorted()
              .findFirst().orElse(null);
    }
    return new Plan(List.copyOf(replicas), witness);
  }

  /** Why {@code ha-update --node} cannot use the node it names, if it cannot. */
  private static void checkChosen(VolumeRecord v, int repl, String chosen, Map<String, NodeRecord> byId,
      Predicate<String> online) {
    int now = v.replicas().size();
    if (repl == now) {
      throw ApiException.badRequest("invalid option 'node': volume " + v.name() + " already has " + repl
          + " replica(s); name a node only to add a replica there (repl " + (now + 1) + ")"
          + (now > 1 ? " or remove its replica (repl " + (now - 1) + ")" : ""));
    }
    if (repl < now) {
      if (!v.replicas().contains(chosen)) {
        throw ApiException.badRequest("invalid option 'node': " + chosen + " holds no replica of " + v.name()
            + " (replicas " + v.replicas() + ")");
      }
      return;
    }
    NodeRecord node = byId.get(chosen);
    if (node == null) {
      throw ApiException.badRequest("invalid option 'node': no node " + chosen + " in the cluster");
    }
    if (v.replicas().contains(chosen)) {
      throw ApiException.badRequest("invalid option 'node': " + chosen + " already holds a replica of " + v.name());
    }
    if (!online.test(chosen)) {
      throw ApiException.badRequest("invalid option 'node': " + chosen + " is offline");
    }
    if (node.storeFailure() != null) {
      throw ApiException.badRequest("invalid option 'node': " + chosen + " cannot take a replica: " + node.storeFailure());
    }
    if (node.capacityBytes() < v.sizeBytes()) {
      throw ApiException.badRequest("invalid option 'node': " + chosen + " has " + node.capacityBytes()
          + " bytes of capacity, less than the " + v.sizeBytes() + " of " + v.name());
    }
  }

  /**
   * Gives the volume (and every volume sharing its group) {@code repl} replicas, adding or removing
   * one on {@code chosen} first if it is not null.
   *
   * @return the volume's new record
   */
  public VolumeRecord apply(VolumeRecord requested, int repl, String chosen) {
    VolumeRecord v = groups.membersOf(requested).map(actual -> followGroup(requested, actual)).orElse(requested);
    if (repl == v.replicas().size() && chosen == null) {
      return v;
    }
    List<VolumeRecord> sharing = catalog.volumes().stream()
        .filter(x -> x.replicaGroup().equals(v.replicaGroup())).toList();
    List<String> others = sharing.stream().map(VolumeRecord::name).filter(n -> !n.equals(v.name())).toList();
    if (repl < v.replicas().size() && !others.isEmpty()) {
      throw ApiException.conflict("volume " + v.name() + " shares replica group " + v.replicaGroup() + " (its replicas)"
          + " with " + others + "; lowering its replication would lower theirs too");
    }
    String attachedOn = catalog.attachment(v.id()).map(io.pxlite.node.kvdb.AttachmentRecord::nodeId).orElse(null);
    Plan plan = plan(v, repl, catalog.nodes(), catalog::isAlive, attachedOn, chosen, clusterId);
    ReplicaGroup from = groups.groupOf(v);
    ReplicaGroup to = groups.groupWithId(v.replicaGroup(), plan.replicas(), plan.witness());
    LOG.info("volume {}: replicas {} (witness {}) -> {} (witness {}){}", v.name(), v.replicas(), v.witness(),
        plan.replicas(), plan.witness(), others.isEmpty() ? "" : "; also for " + others + ", which share the group");
    List<String> notRemoved = groups.changeMembers(from, to, TIMEOUT);
    VolumeRecord updated = recordMembers(v, plan);
    if (!notRemoved.isEmpty()) {
      LOG.warn("volume {}: nodes {} left its group while down; they drop their copy when they start", v.name(), notRemoved);
    }
    return updated;
  }

  /**
   * The volume records follow a membership change only after Ratis made it, so a crash in between
   * leaves them naming the old members. Ratis is right: before anything else, the records of the
   * group's volumes are made to name the members the group has.
   */
  private VolumeRecord followGroup(VolumeRecord v, List<ReplicaPeer> actual) {
    Plan members = membersOf(v, actual);
    if (new java.util.HashSet<>(members.replicas()).equals(new java.util.HashSet<>(v.replicas()))
        && java.util.Objects.equals(members.witness(), v.witness())) {
      return v;
    }
    LOG.warn("volume {}: its record names replicas {} (witness {}) but its group has {} (witness {}), as after a "
        + "membership change interrupted by a crash; the records now follow the group", v.name(), v.replicas(),
        v.witness(), members.replicas(), members.witness());
    return recordMembers(v, members);
  }

  /** The group's members as a plan: data replicas in the order the record had them, new ones after. */
  static Plan membersOf(VolumeRecord v, List<ReplicaPeer> actual) {
    List<String> data = actual.stream().filter(p -> !p.witness()).map(ReplicaPeer::nodeId).toList();
    List<String> ordered = new ArrayList<>(v.replicas().stream().filter(data::contains).toList());
    data.stream().filter(id -> !ordered.contains(id)).forEach(ordered::add);
    String witness = actual.stream().filter(ReplicaPeer::witness).map(ReplicaPeer::nodeId).findFirst().orElse(null);
    return new Plan(List.copyOf(ordered), witness);
  }

  /** Writes {@code plan}'s members into the record of every volume in {@code v}'s group; returns {@code v}'s. */
  private VolumeRecord recordMembers(VolumeRecord v, Plan plan) {
    VolumeRecord updated = v;
    for (VolumeRecord x : catalog.volumes()) {
      if (!x.replicaGroup().equals(v.replicaGroup())) {
        continue;
      }
      VolumeRecord changed = x.withReplicas(plan.replicas(), plan.witness());
      catalog.updateVolume(changed);
      if (x.id().equals(v.id())) {
        updated = changed;
      }
    }
    return updated;
  }
}
