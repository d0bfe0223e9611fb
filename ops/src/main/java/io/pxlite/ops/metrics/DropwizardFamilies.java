package io.pxlite.ops.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's Dropwizard registry as Prometheus metric families, through the client's Dropwizard
 * bridge.
 *
 * <p>The bridge (1.4.3) turns each Dropwizard metric into a family of its own and refuses two
 * families of one name, yet two volumes' write counters are one family with two label sets. So the
 * registry is exported in layers that each hold at most one metric per family (the first volume's,
 * then the second's, …), and the layers' families are merged by name into one family with all its
 * series. The bridge still does every conversion (counter, gauge, timer to summary in seconds); the
 * HELP text is the metric's row in METRICS.md ({@link MetricCatalog}) instead of the bridge's.
 */
final class DropwizardFamilies implements MultiCollector {
  private final MetricRegistry registry;
  private final TaggedNameMapper mapper;

  DropwizardFamilies(MetricRegistry registry, TaggedNameMapper mapper) {
    this.registry = registry;
    this.mapper = mapper;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<MetricSnapshot>> byFamily = new LinkedHashMap<>();
    for (Set<String> layer : layers()) {
      DropwizardExports exports = new DropwizardExports(registry, (name, metric) -> layer.contains(name), mapper);
      for (MetricSnapshot family : exports.collect()) {
        byFamily.computeIfAbsent(family.getMetadata().getPrometheusName(), n -> new ArrayList<>()).add(family);
      }
    }
    MetricSnapshots.Builder merged = MetricSnapshots.builder();
    for (List<MetricSnapshot> parts : byFamily.values()) {
      merged.metricSnapshot(merge(parts));
    }
    return merged.build();
  }

  private static MetricMetadata metadata(MetricSnapshot family, String documentedName) {
    return MetricCatalog.get().help(documentedName)
        .map(help -> new MetricMetadata(family.getMetadata().getName(), help))
        .orElse(family.getMetadata());
  }

  /** Registry names grouped so that no group holds two of one Prometheus family. */
  private List<Set<String>> layers() {
    Map<String, Integer> seen = new HashMap<>();
    List<Set<String>> layers = new ArrayList<>();
    for (String name : registry.getNames()) {
      String family = PrometheusNaming.sanitizeMetricName(mapper.getName(name));
      int layer = seen.merge(family, 1, Integer::sum) - 1;
      if (layer == layers.size()) {
        layers.add(new HashSet<>());
      }
      layers.get(layer).add(name);
    }
    return layers;
  }

  /** The parts' series as one family, with the HELP text of METRICS.md where it has the metric. */
  private static MetricSnapshot merge(List<MetricSnapshot> parts) {
    MetricSnapshot first = parts.get(0);
    for (MetricSnapshot part : parts) {
      if (part.getClass() != first.getClass()) {
        // e.g. a gauge "x" and a counter "x_total": Prometheus strips the suffix, so they are one family.
        throw new IllegalStateException("metric family " + first.getMetadata().getPrometheusName()
            + " is registered as both " + first.getClass().getSimpleName() + " and " + part.getClass().getSimpleName());
      }
    }
    String name = first.getMetadata().getPrometheusName();
    if (first instanceof CounterSnapshot) {
      List<CounterDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(p -> points.addAll(((CounterSnapshot) p).getDataPoints()));
      return new CounterSnapshot(metadata(first, name + "_total"), points);
    }
    if (first instanceof GaugeSnapshot) {
      List<GaugeDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(p -> points.addAll(((GaugeSnapshot) p).getDataPoints()));
      return new GaugeSnapshot(metadata(first, name), points);
    }
    if (first instanceof SummarySnapshot) {
      List<SummaryDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(p -> points.addAll(((SummarySnapshot) p).getDataPoints()));
      return new SummarySnapshot(metadata(first, name), points);
    }
    throw new IllegalStateException("the Dropwizard bridge made a " + first.getClass().getSimpleName()
        + " for " + first.getMetadata().getPrometheusName() + "; only counters, gauges and summaries are merged");
  }
}
