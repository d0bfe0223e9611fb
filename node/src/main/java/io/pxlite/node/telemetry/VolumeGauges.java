package io.pxlite.node.telemetry;

import com.codahale.metrics.MetricRegistry;
import io.pxlite.api.VolumeView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Space and replication of each volume with a replica on this node, from the latest sample: one
 * node per replica reports it, so Prometheus sees each replica's usage under its own {@code node_id}.
 */
final class VolumeGauges implements Consumer<TelemetrySample> {
  /** Values of {@code pxlite_volume_replication_status}. */
  static final int UP = 0;
  static final int DEGRADED = 1;
  static final int REBUILDING = 2;
  static final int DOWN = 3;

  private final KeyedSeries series;
  private volatile Map<String, VolumeView> byId = Map.of();

  VolumeGauges(MetricRegistry registry) {
    this.series = new KeyedSeries(registry);
  }

  @Override
  public void accept(TelemetrySample sample) {
    if (sample.exportIds().isEmpty()) {
      return; // the catalog could not be read: keep the last known volumes rather than drop them all
    }
    Map<String, VolumeView> now = new LinkedHashMap<>();
    Map<String, String[]> labels = new LinkedHashMap<>();
    for (VolumeView v : sample.localVolumes()) {
      now.put(v.id(), v);
      labels.put(v.id(), new String[] {"volumeid", v.id(), "volumename", v.name()});
    }
    byId = now;
    series.sync(labels, (id, s) -> {
      s.gauge("px_volume_capacity_bytes", value(id, VolumeView::sizeBytes));
      s.gauge("px_volume_usage_bytes", value(id, VolumeView::usedBytes));
      s.gauge("pxlite_volume_snapshot_bytes", value(id, VolumeView::snapshotBytes));
      s.gauge("px_volume_halevel", value(id, VolumeView::repl));
      s.gauge("pxlite_volume_replicas_healthy", value(id, VolumeGauges::replicasInSync));
      s.gauge("pxlite_volume_replication_status", value(id, VolumeGauges::replicationStatus));
    });
  }

  private java.util.function.LongSupplier value(String id, ToLongFunction<VolumeView> field) {
    return () -> {
      VolumeView v = byId.get(id);
      return v == null ? 0 : field.applyAsLong(v);
    };
  }

  /** Replicas up and in sync; a view without replica states (its group did not answer) counts none. */
  static long replicasInSync(VolumeView v) {
    return v.replicaStates().stream().filter(r -> r.state().equals("in sync")).count();
  }

  static long replicationStatus(VolumeView v) {
    if (v.status().startsWith("down") || (!v.replicaStates().isEmpty() && replicasInSync(v) == 0)) {
      return DOWN;
    }
    if (v.replicaStates().stream().anyMatch(r -> r.state().equals("rebuilding"))) {
      return REBUILDING;
    }
    return replicasInSync(v) < v.repl() ? DEGRADED : UP;
  }
}
