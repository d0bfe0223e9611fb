package io.pxlite.ops.metrics;

import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Dropwizard bridge's label mapper for {@link MetricName}s: the family becomes the Prometheus
 * name, the tags its labels, and every series gains {@code node_id}. The bridge's own mapper matches
 * Graphite-style globs configured per metric; tagged names need no configuration, so this overrides
 * both of its look-ups (the base class insists on one config, which never matches).
 */
final class TaggedNameMapper extends CustomLabelMapper {
  /** The bridge names a Meter {@code <registry name>_total}; the suffix then follows the tags. */
  private static final String METER_SUFFIX = "_total";

  private final String nodeId;

  TaggedNameMapper(String nodeId) {
    super(List.of(new MapperConfig("pxlite.never.matched", "unused", Map.of())));
    this.nodeId = nodeId;
  }

  @Override
  public String getName(String registryName) {
    if (registryName.endsWith("}" + METER_SUFFIX)) {
      String tagged = registryName.substring(0, registryName.length() - METER_SUFFIX.length());
      return MetricName.parse(tagged).family() + METER_SUFFIX;
    }
    return MetricName.parse(registryName).family();
  }

  @Override
  public Labels getLabels(String registryName, List<String> moreNames, List<String> moreValues) {
    MetricName name = MetricName.parse(registryName);
    List<String> names = new ArrayList<>(name.labels().keySet());
    List<String> values = new ArrayList<>(name.labels().values());
    names.add("node_id");
    values.add(nodeId);
    names.addAll(moreNames);
    values.addAll(moreValues);
    return Labels.of(names, values);
  }
}
