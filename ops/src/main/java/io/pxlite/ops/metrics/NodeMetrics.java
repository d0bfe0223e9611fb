package io.pxlite.ops.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's metrics: the Dropwizard registry every layer records into, and its exports, Prometheus
 * text (for {@code /metrics}) and the same values as plain maps and lists (for JSON), together with
 * the Prometheus client's JVM and process metrics. The list of metrics is in {@code ops/METRICS.md}.
 */
public final class NodeMetrics {
  /** The Content-Type of {@link #prometheusText()}. */
  public static final String PROMETHEUS_CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final String nodeId;
  private final MetricRegistry registry = new MetricRegistry();
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PrometheusTextFormatWriter textFormat = PrometheusTextFormatWriter.create();

  public NodeMetrics(String nodeId) {
    this.nodeId = nodeId;
    prometheus.register(new DropwizardFamilies(registry, new TaggedNameMapper(nodeId)));
    JvmMetrics.builder().register(prometheus);
  }

  public String nodeId() {
    return nodeId;
  }

  /** Where each layer registers its metrics, named with {@link MetricName}. */
  public MetricRegistry registry() {
    return registry;
  }

  /** Every metric now, in Prometheus' text format 0.0.4. */
  public byte[] prometheusText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      textFormat.write(out, prometheus.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics to memory", e);
    }
    return out.toByteArray();
  }

  /**
   * Every counter, gauge and summary now as {@code {node_id, time, metrics: [{name, type, samples}]}}
   * (the form {@code ops/METRICS.md} gives), ready for a JSON writer. Counter names carry
   * {@code _total} as in the text format.
   */
  public Map<String, Object> snapshot() {
    List<Object> families = new ArrayList<>();
    MetricSnapshots snapshots = prometheus.scrape();
    for (MetricSnapshot family : snapshots) {
      String name = family.getMetadata().getPrometheusName();
      if (family instanceof CounterSnapshot counter) {
        families.add(family(name + "_total", "counter",
            counter.getDataPoints().stream().map(p -> sample(p, p.getValue())).toList()));
      } else if (family instanceof GaugeSnapshot gauge) {
        families.add(family(name, "gauge", gauge.getDataPoints().stream().map(p -> sample(p, p.getValue())).toList()));
      } else if (family instanceof SummarySnapshot summary) {
        families.add(family(name, "summary", summary.getDataPoints().stream().map(NodeMetrics::summarySample).toList()));
      }
      // Info and state-set families (JVM version, thread states) are left to the text format.
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("node_id", nodeId);
    all.put("time", Instant.now().toString());
    all.put("metrics", families);
    return all;
  }

  private static Map<String, Object> family(String name, String type, List<Map<String, Object>> samples) {
    Map<String, Object> family = new LinkedHashMap<>();
    family.put("name", name);
    family.put("type", type);
    family.put("samples", samples);
    return family;
  }

  private static Map<String, Object> sample(DataPointSnapshot point, double value) {
    Map<String, Object> sample = labels(point);
    sample.put("value", value);
    return sample;
  }

  private static Map<String, Object> summarySample(SummarySnapshot.SummaryDataPointSnapshot point) {
    Map<String, Object> sample = labels(point);
    sample.put("count", point.getCount());
    Map<String, Double> quantiles = new LinkedHashMap<>();
    for (Quantile q : point.getQuantiles()) {
      quantiles.put(Double.toString(q.getQuantile()), q.getValue());
    }
    sample.put("quantiles", quantiles);
    return sample;
  }

  private static Map<String, Object> labels(DataPointSnapshot point) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (Label label : point.getLabels()) {
      labels.put(label.getName(), label.getValue());
    }
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("labels", labels);
    return sample;
  }
}
