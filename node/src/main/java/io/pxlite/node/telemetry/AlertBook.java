package io.pxlite.node.telemetry;

import io.pxlite.api.AlertView;
import io.pxlite.api.NodeView;
import io.pxlite.api.VolumeView;
import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreFailure;
import io.pxlite.store.device.DeviceUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What needs an operator, drawn from each sample and the store's own counters: checksum errors,
 * degraded or rebuilding replicas, full or failed devices, an unreachable kvdb, nodes offline. An
 * alert keeps the time this node first saw it until its condition clears.
 */
final class AlertBook implements Consumer<TelemetrySample> {
  /** A device this full warns; one this full is critical (a thin pool stops taking writes when full). */
  static final double DEVICE_FULL_WARNING = 0.90;
  static final double DEVICE_FULL_CRITICAL = 0.97;

  private final String clusterId;
  private final BlockStore store;
  private final Map<String, Instant> firstSeen = new HashMap<>();
  private volatile List<AlertView> current = List.of();

  AlertBook(String clusterId, BlockStore store) {
    this.clusterId = clusterId;
    this.store = store;
  }

  List<AlertView> current() {
    return current;
  }

  @Override
  public synchronized void accept(TelemetrySample sample) {
    List<Found> found = new ArrayList<>();
    devices(found);
    sample.status().ifPresent(status -> {
      if (!status.kvdbReachable()) {
        found.add(new Found("kvdb_unreachable", "critical", "cluster", clusterId,
            "the kvdb (" + String.join(", ", status.kvdbEndpoints()) + ") is unreachable from this node: volumes keep"
                + " serving, but none can be created, attached or changed"));
      }
    });
    if (sample.status().isEmpty()) {
      sample.problem().ifPresent(p -> found.add(new Found("kvdb_unreachable", "critical", "cluster", clusterId, p)));
    }
    for (NodeView node : sample.nodes()) {
      if (!node.status().equals("online")) {
        found.add(new Found("node_offline", "warning", "node", node.id(),
            "node " + node.id() + " (" + node.mgmtIp() + ") is offline"));
      }
    }
    for (VolumeView v : sample.localVolumes()) {
      replicas(v, found);
    }
    Instant now = sample.time();
    Map<String, Instant> keep = new HashMap<>();
    List<AlertView> alerts = new ArrayList<>();
    for (Found f : found) {
      Instant since = firstSeen.getOrDefault(f.key(), now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      keep.put(f.key(), since);
      alerts.add(new AlertView(f.kind, f.severity, f.resourceType, f.resource, f.message, since.toString()));
    }
    firstSeen.keySet().retainAll(keep.keySet());
    firstSeen.putAll(keep);
    alerts.sort(Comparator.comparing((AlertView a) -> a.severity().equals("critical") ? 0 : 1)
        .thenComparing(AlertView::since));
    current = List.copyOf(alerts);
  }

  private void devices(List<Found> found) {
    Optional<StoreFailure> failure = store.failure();
    failure.ifPresent(f -> found.add(new Found("device_failed", "critical", "device", f.device().toString(),
        "device " + f.device() + " failed: " + f.reason() + "; this node's replicas are unhealthy until it is replaced")));
    for (DeviceUsage d : store.devices()) {
      if (d.checksumFailures() > 0) {
        found.add(new Found("checksum_errors", "warning", "device", d.path().toString(),
            d.checksumFailures() + " block(s) read from device " + d.path() + " failed their checksum since the node"
                + " started (" + d.repairs() + " repaired from other replicas)"));
      }
      double used = d.capacityBytes() == 0 ? 0 : (double) d.usedBytes() / d.capacityBytes();
      if (used >= DEVICE_FULL_WARNING) {
        found.add(new Found("device_full", used >= DEVICE_FULL_CRITICAL ? "critical" : "warning", "device",
            d.path().toString(), String.format("device %s is %.0f%% full", d.path(), used * 100)));
      }
    }
  }

  private static void replicas(VolumeView v, List<Found> found) {
    List<VolumeView.ReplicaStateView> rebuilding = v.replicaStates().stream()
        .filter(r -> r.state().equals("rebuilding")).toList();
    for (VolumeView.ReplicaStateView r : rebuilding) {
      found.add(new Found("replica_rebuilding", "warning", "volume", v.name(), String.format(
          "the replica of volume %s on node %s is rebuilding: %d of about %d MiB copied", v.name(), r.node(),
          r.rebuildCopiedBytes() >> 20, r.rebuildTotalBytes() >> 20)));
    }
    long inSync = VolumeGauges.replicasInSync(v);
    if (!v.replicaStates().isEmpty() && inSync < v.repl() && rebuilding.isEmpty()) {
      List<String> others = v.replicaStates().stream().filter(r -> !r.state().equals("in sync"))
          .map(r -> r.node() + " " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")")).toList();
      found.add(new Found("replica_degraded", inSync == 0 ? "critical" : "warning", "volume", v.name(),
          "volume " + v.name() + " has " + inSync + " of " + v.repl() + " replicas in sync: " + String.join(", ", others)));
    }
  }

  private record Found(String kind, String severity, String resourceType, String resource, String message) {
    String key() {
      return kind + "|" + resourceType + "|" + resource;
    }
  }
}
