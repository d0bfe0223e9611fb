package io.pxlite.api;

import java.util.List;
import java.util.Map;

/**
 * What the management address tells an operator about the node's health, implemented by the node:
 * metrics (Prometheus text and JSON), alerts and a health verdict. Listed in {@code ops/METRICS.md}.
 */
public interface OperationsService {
  /** Every metric in Prometheus' text format 0.0.4. */
  byte[] prometheusText();

  /** The same values as {@code {node_id, time, metrics: [...]}}, ready for JSON. */
  Map<String, Object> metrics();

  /** What needs an operator now, most severe first. */
  List<AlertView> alerts();

  HealthView health();
}
