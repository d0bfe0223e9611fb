package io.pxlite.node.telemetry;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** The cluster as this node sees it in the latest sample: kvdb reachability, nodes on and off line. */
final class ClusterGauges {
  private ClusterGauges() {}

  static void register(MetricRegistry registry, Supplier<TelemetrySample> latest) {
    gauge(registry, "pxlite_kvdb_reachable", latest, s -> s.status().map(st -> st.kvdbReachable() ? 1L : 0L).orElse(0L));
    // The kvdb is the cluster's quorum: without it no volume can be created, attached or changed.
    gauge(registry, "px_cluster_status_quorum", latest, s -> s.status().map(st -> st.kvdbReachable() ? 1L : 0L).orElse(0L));
    gauge(registry, "px_cluster_status_nodes_online", latest,
        s -> s.nodes().stream().filter(n -> n.status().equals("online")).count());
    gauge(registry, "px_cluster_status_nodes_offline", latest,
        s -> s.nodes().stream().filter(n -> !n.status().equals("online")).count());
  }

  private static void gauge(MetricRegistry registry, String name, Supplier<TelemetrySample> latest,
      ToLongFunction<TelemetrySample> value) {
    registry.gauge(name, () -> (Gauge<Long>) () -> value.applyAsLong(latest.get()));
  }
}
