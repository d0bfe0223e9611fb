package io.pxlite.api;

import io.pxlite.ops.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operations port over a real {@link NodeMetrics} registry, with alerts a test sets: the routes'
 * tests check what the API does with them, not how a node finds them.
 */
final class FixedOperations implements OperationsService {
  final NodeMetrics metrics = new NodeMetrics("node-test");
  final List<AlertView> alerts = new ArrayList<>();

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
    return List.copyOf(alerts);
  }

  @Override
  public HealthView health() {
    return new HealthView(alerts.isEmpty() ? "ok" : "degraded", alerts.stream().map(AlertView::message).toList());
  }
}
