package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.node.config.ByteSize;
import io.pxlite.node.kvdb.NodeRecord;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where a new volume's replicas go: on {@code repl} distinct online nodes, those the user named
 * first ({@code --nodes}), then the ones with the most free space (ties broken by node id, so every
 * node would choose alike). Thin volumes are
 * placed by capacity: a node whose whole pool is smaller than the volume never gets a replica.
 */
final class Placement {
  private Placement() {}

  /**
   * Where a volume goes.
   *
   * @param witness for two replicas, a third node that keeps only the log, so that either replica may
   *     be down; null when there is no third node online (then the volume stops with one replica down)
   */
  record Chosen(List<String> replicas, String witness) {}

  /**
   * @param named nodes the replicas must go on (at most {@code repl}; empty: none)
   * @return the chosen node ids
   * @throws ApiException 400 saying what is missing: online nodes, or nodes with room, or why a
   *     named node cannot take a replica
   */
  static Chosen choose(List<NodeRecord> nodes, Predicate<String> online, int repl, long sizeBytes,
      List<String> named, String clusterId) {
    for (String id : named) {
      NodeRecord node = nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow(
          () -> ApiException.badRequest("invalid option 'nodes': no node " + id + " in cluster " + clusterId));
      if (!online.test(id)) {
        throw ApiException.badRequest("invalid option 'nodes': node " + id + " is offline");
      }
      if (node.storeFailure() != null) {
        throw ApiException.badRequest("invalid option 'nodes': node " + id + " cannot take a replica: " + node.storeFailure());
      }
      if (node.capacityBytes() < sizeBytes) {
        throw ApiException.badRequest("invalid option 'nodes': node " + id + " has a pool of "
            + ByteSize.format(node.capacityBytes()) + ", smaller than the volume (" + ByteSize.format(sizeBytes) + ")");
      }
    }
    List<NodeRecord> up = nodes.stream().filter(n -> online.test(n.id())).toList();
    if (repl > up.size()) {
      throw ApiException.badRequest("repl " + repl + " needs " + repl + " nodes; cluster " + clusterId + " has "
          + up.size() + " online");
    }
    List<NodeRecord> roomy = up.stream()
        .filter(n -> n.capacityBytes() >= sizeBytes && n.storeFailure() == null)
        .sorted(Comparator.<NodeRecord>comparingInt(n -> named.contains(n.id()) ? named.indexOf(n.id()) : named.size())
            .thenComparing(Comparator.comparingLong(NodeRecord::freeBytes).reversed())
            .thenComparing(NodeRecord::id))
        .toList();
    if (roomy.size() < repl) {
      long largest = up.stream().mapToLong(NodeRecord::capacityBytes).max().orElse(0);
      throw ApiException.badRequest("volume size " + ByteSize.format(sizeBytes) + " is larger than the pool ("
          + ByteSize.format(largest) + " on the largest node" + (roomy.isEmpty() ? "" : "; only " + roomy.size()
          + " of the " + repl + " replicas would fit") + ")");
    }
    List<String> replicas = roomy.subList(0, repl).stream().map(NodeRecord::id).toList();
    String witness = null;
    if (repl == 2) {
      // Any online node will do: a witness stores the log only.
      witness = up.stream().map(NodeRecord::id).filter(id -> !replicas.contains(id)).sorted().findFirst().orElse(null);
    }
    return new Chosen(replicas, witness);
  }
}
