package io.pxlite.node.volume;

import io.pxlite.node.volume.membership.NodeRemoval;
import io.pxlite.api.ApiException;
import io.pxlite.api.NodeView;
import io.pxlite.api.StatusView;
import io.pxlite.node.LocalNode;
import io.pxlite.node.config.NodeConfig;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.NodeRegistration;
import io.pxlite.node.kvdb.VolumeRecord;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * The cluster's nodes as the management API shows them ({@code pxctl status}, {@code cluster
 * list|inspect|delete}): from the kvdb, with each node's liveness from its lease. {@code status}
 * still answers, for this node alone, while the kvdb is unreachable.
 */
final class ClusterNodes {
  private final NodeConfig config;
  private final LocalNode self;
  private final ClusterCatalog catalog;
  private final NodeRegistration registration;
  private final NodeRemoval removal;

  ClusterNodes(NodeConfig config, LocalNode self, ClusterCatalog catalog, NodeRegistration registration,
      NodeRemoval removal) {
    this.config = config;
    this.self = self;
    this.catalog = catalog;
    this.registration = registration;
    this.removal = removal;
  }

  StatusView status() {
    NodeView me = view(self.record(), true, catalog.cachedVolumes());
    List<String> endpoints = config.kvdbEndpoints().stream().map(URI::toString).toList();
    try {
      List<NodeRecord> nodes = catalog.nodes();
      int online = (int) nodes.stream().filter(n -> catalog.isAlive(n.id())).count();
      // Reachable now, but the registration loop may not have caught up yet after an outage.
      String health = self.storeFailure().map(f -> "degraded: " + f)
          .orElse(registration.registered() ? "healthy"
              : "degraded: this node is not registered in the kvdb yet (" + registration.lastError() + ")");
      return new StatusView(config.clusterId(), me, nodes.size(), online,
          nodes.stream().mapToLong(NodeRecord::capacityBytes).sum(),
          nodes.stream().mapToLong(NodeRecord::freeBytes).sum(), endpoints, true, health);
    } catch (KvdbUnavailableException e) {
      return new StatusView(config.clusterId(), me, 1, 1, me.capacityBytes(), me.freeBytes(), endpoints, false,
          "degraded: " + self.storeFailure().map(f -> f + "; ").orElse("") + e.getMessage());
    }
  }

  List<NodeView> list() {
    return ManagementCall.run(() -> {
      List<VolumeRecord> known = catalog.volumes();
      return catalog.nodes().stream().map(n -> view(n, catalog.isAlive(n.id()), known)).toList();
    });
  }

  /** A node by id, id prefix or management address. */
  NodeView find(String ref) {
    return list().stream()
        .filter(n -> n.id().equals(ref) || n.id().startsWith(ref) || n.mgmtIp().equals(ref))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no node '" + ref + "' in cluster " + config.clusterId()));
  }

  /** {@code cluster delete}: hands the node's replicas to others, then removes it (see {@link NodeRemoval}). */
  void delete(String ref) {
    ManagementCall.run(() -> {
      removal.remove(ref);
      return null;
    });
  }

  private static NodeView view(NodeRecord n, boolean alive, Collection<VolumeRecord> known) {
    int volumes = (int) known.stream().filter(v -> v.replicas().contains(n.id())).count();
    return new NodeView(n.id(), n.mgmtIp(), n.dataIp(), alive ? "online" : "offline", n.cpus(), n.memTotalBytes(),
        n.memFreeBytes(), n.capacityBytes(), n.freeBytes(), volumes,
        n.devices().stream().map(d -> new NodeView.DeviceView(d.id(), d.path(), d.capacityBytes(), d.usedBytes())).toList());
  }
}
