package io.pxlite.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private final NodeMetrics metrics = new NodeMetrics("node-a");
  private final MetricRegistry registry = metrics.registry();

  @Test
  void twoVolumesCountersAreOneFamilyWithTwoSeries() {
    registry.counter(MetricName.of("px_volume_writes_total", "volumeid", "01", "volumename", "v1")).inc(3);
    registry.counter(MetricName.of("px_volume_writes_total", "volumeid", "02", "volumename", "v2")).inc(5);

    String text = text();

    assertThat(text).containsOnlyOnce("# TYPE px_volume_writes_total counter")
        .contains("px_volume_writes_total{node_id=\"node-a\",volumeid=\"01\",volumename=\"v1\"} 3.0")
        .contains("px_volume_writes_total{node_id=\"node-a\",volumeid=\"02\",volumename=\"v2\"} 5.0");
  }

  @Test
  void helpTextsComeFromTheMetricsTable() {
    registry.counter(MetricName.of("px_volume_writes_total", "volumeid", "01", "volumename", "v1")).inc();
    registry.gauge(MetricName.of("px_volume_depth_io", "volumeid", "01", "volumename", "v1"), () -> () -> 1);

    assertThat(text()).contains("# HELP px_volume_writes_total NBD writes acknowledged (durable) (requests)")
        .contains("# HELP px_volume_depth_io requests in flight now (queue depth) (requests)");
    assertThat(MetricCatalog.get().names()).contains("pxlite_group_commit_latency_seconds").hasSizeGreaterThan(40);
  }

  @Test
  void timersAreSummariesInSeconds() {
    Timer timer = registry.timer(MetricName.of("px_volume_write_latency_seconds", "volumeid", "01", "volumename", "v1"));
    timer.update(2, TimeUnit.MILLISECONDS);
    timer.update(2, TimeUnit.MILLISECONDS);

    assertThat(text()).contains("# TYPE px_volume_write_latency_seconds summary")
        .contains("px_volume_write_latency_seconds{node_id=\"node-a\",volumeid=\"01\",volumename=\"v1\",quantile=\"0.5\"} 0.002")
        .contains("px_volume_write_latency_seconds_count{node_id=\"node-a\",volumeid=\"01\",volumename=\"v1\"} 2");
  }

  @Test
  void gaugesAndTheJvmAreExported() {
    registry.gauge(MetricName.of("px_volume_depth_io", "volumeid", "01", "volumename", "v1"), () -> () -> 7);

    assertThat(text()).contains("px_volume_depth_io{node_id=\"node-a\",volumeid=\"01\",volumename=\"v1\"} 7.0")
        .contains("jvm_memory_used_bytes{area=\"heap\"}")
        .contains("process_cpu_seconds_total");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theJsonFormCarriesTheSameValues() {
    registry.counter(MetricName.of("px_volume_writes_total", "volumeid", "01", "volumename", "v1")).inc(3);
    registry.counter(MetricName.of("px_volume_writes_total", "volumeid", "02", "volumename", "v2")).inc(5);
    registry.timer(MetricName.of("px_volume_write_latency_seconds", "volumeid", "01", "volumename", "v1"))
        .update(4, TimeUnit.MILLISECONDS);

    Map<String, Object> snapshot = metrics.snapshot();

    assertThat(snapshot).containsEntry("node_id", "node-a").containsKey("time");
    Map<String, Object> writes = family(snapshot, "px_volume_writes_total");
    assertThat(writes).containsEntry("type", "counter");
    assertThat((List<Object>) writes.get("samples")).containsExactlyInAnyOrder(
        Map.of("labels", Map.of("node_id", "node-a", "volumeid", "01", "volumename", "v1"), "value", 3.0),
        Map.of("labels", Map.of("node_id", "node-a", "volumeid", "02", "volumename", "v2"), "value", 5.0));
    Map<String, Object> latency = family(snapshot, "px_volume_write_latency_seconds");
    assertThat(latency).containsEntry("type", "summary");
    Map<String, Object> sample = (Map<String, Object>) ((List<?>) latency.get("samples")).get(0);
    assertThat(sample).containsEntry("count", 1L);
    assertThat((Map<String, Object>) sample.get("quantiles")).containsEntry("0.99", 0.004);
  }

  @Test
  void aGaugeAndACounterThatShareAFamilyAreRefusedByName() {
    registry.gauge(MetricName.of("pxlite_things", "k", "a"), () -> () -> 1);
    registry.counter(MetricName.of("pxlite_things_total", "k", "b")).inc();

    assertThatThrownBy(metrics::prometheusText)
        .hasMessageContaining("metric family pxlite_things is registered as both")
        .hasMessageContaining("GaugeSnapshot").hasMessageContaining("CounterSnapshot");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> family(Map<String, Object> snapshot, String name) {
    return ((List<Map<String, Object>>) snapshot.get("metrics")).stream()
        .filter(f -> f.get("name").equals(name)).findFirst().orElseThrow();
  }

  private String text() {
    return new String(metrics.prometheusText(), StandardCharsets.UTF_8);
  }
}
