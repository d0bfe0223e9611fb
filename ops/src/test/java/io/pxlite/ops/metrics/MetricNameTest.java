package io.pxlite.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricNameTest {
  @Test
  void aTaggedNameReadsBackAsItsFamilyAndLabels() {
    String name = MetricName.of("px_volume_writes_total", "volumeid", "00ab", "volumename", "db-1");

    assertThat(name).isEqualTo("px_volume_writes_total{volumeid=00ab,volumename=db-1}");
    MetricName parsed = MetricName.parse(name);
    assertThat(parsed.family()).isEqualTo("px_volume_writes_total");
    assertThat(parsed.labels()).containsExactly(Map.entry("volumeid", "00ab"), Map.entry("volumename", "db-1"));
  }

  @Test
  void valuesWithTheSyntaxCharactersSurviveTheRoundTrip() {
    String device = "/dev/disk/by-id/a,b=c{d}%e";
    MetricName parsed = MetricName.parse(MetricName.of("px_disk_used_bytes", "device", device));

    assertThat(parsed.labels()).containsEntry("device", device);
  }

  @Test
  void aNameWithoutTagsHasNoLabels() {
    assertThat(MetricName.parse("pxlite_nbd_connections").labels()).isEmpty();
  }

  @Test
  void namesPrometheusCannotCarryAreRefused() {
    assertThatThrownBy(() -> MetricName.of("px volume", "a", "b")).hasMessageContaining("not a Prometheus metric name");
    assertThatThrownBy(() -> MetricName.of("px_volume", "volume-id", "b")).hasMessageContaining("not a Prometheus label name");
    assertThatThrownBy(() -> MetricName.of("px_volume", "odd")).hasMessageContaining("pairs");
  }
}
