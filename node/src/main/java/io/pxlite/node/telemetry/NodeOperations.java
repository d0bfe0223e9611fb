package io.pxlite.node.telemetry;

import io.pxlite.api.AlertView;
import io.pxlite.api.HealthView;
import io.pxlite.api.ManagementService;
import io.pxlite.api.OperationsService;
import io.pxlite.journal.JournalServer;
import io.pxlite.nbd.NbdMetrics;
import io.pxlite.ops.metrics.NodeMetrics;
import io.pxlite.store.BlockStore;
import java.util.List;
import java.util.Map;

/**
 * The node's operations port: its metrics registry with the sampled gauges registered, the alerts
 * and the health verdict drawn from the same samples.
 */
public final class NodeOperations implements OperationsService, AutoCloseable {
  private final NodeMetrics metrics;
  private final AlertBook alerts;
  private final TelemetrySampler sampler;

  /**
   * Registers the store's, groups', volumes' and cluster's gauges in {@code metrics} and starts
   * sampling; {@code nbd}'s per-export series are dropped once their volume or snapshot is gone.
   */
  public NodeOperations(NodeMetrics metrics, String clusterId, ManagementService service, BlockStore store,
      JournalServer journal, NbdMetrics nbd) {
    this.metrics = metrics;
    this.alerts = new AlertBook(clusterId, store);
    StoreGauges.register(metrics.registry(), store);
    VolumeGauges volumes = new VolumeGauges(metrics.registry());
    GroupGauges groups = new GroupGauges(metrics.nodeId(), metrics.registry());
    this.sampler = new TelemetrySampler(metrics.nodeId(), service, journal, List.of(
        volumes, groups, alerts, sample -> sample.exportIds().ifPresent(nbd::retainExports)));
    ClusterGauges.register(metrics.registry(), sampler::latest);
    sampler.start();
  }

  @Override
  public byte[] prometheusText() {
    return metrics.prometheusText();
  }

  @Override
  public Map<String, Object> metrics() {
    return metrics.snapshot();
  }

  @Override
  public List<AlertView> alerts() {
    return alerts.current();
  }

  @Override
  public HealthView health() {
    List<String> reasons = alerts.current().stream().map(AlertView::message).toList();
    return new HealthView(reasons.isEmpty() ? "ok" : "degraded", reasons);
  }

  @Override
  public void close() {
    sampler.close();
  }
}
