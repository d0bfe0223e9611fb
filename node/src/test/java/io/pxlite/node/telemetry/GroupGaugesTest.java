package io.pxlite.node.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.GroupState;
import io.pxlite.ops.metrics.NodeMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupGaugesTest {
  private final NodeMetrics metrics = new NodeMetrics("n1");
  private final GroupGauges gauges = new GroupGauges("n1", metrics.registry());

  @Test
  void electionsCheckpointsAndPurgesAreCountedFromWhatChangedBetweenSamples() {
    gauges.accept(sample(new GroupState("g1", true, 3, 100, 98, 4096, 50, 1, Map.of("n2", 5L))));
    gauges.accept(sample(new GroupState("g1", true, 5, 200, 200, 8192, 150, 1, Map.of("n2", 0L))));
    gauges.accept(sample(new GroupState("g1", false, 6, 300, 300, 8192, 150, 140, Map.of())));

    String text = text();
    assertThat(text)
        .contains("pxlite_group_leader_changes_total{group=\"g1\",node_id=\"n1\"} 3.0")
        .contains("pxlite_group_checkpoints_total{group=\"g1\",node_id=\"n1\"} 1.0")
        .contains("pxlite_group_purges_total{group=\"g1\",node_id=\"n1\"} 1.0")
        .contains("pxlite_group_is_leader{group=\"g1\",node_id=\"n1\"} 0.0")
        .contains("pxlite_group_log_bytes{group=\"g1\",node_id=\"n1\"} 8192.0")
        // No longer the leader: its followers' lag series are gone.
        .doesNotContain("pxlite_group_follower_lag_entries");
  }

  @Test
  void applyLagAndFollowerLagAreShownAndAGroupThatLeftLeavesNoSeries() {
    gauges.accept(sample(new GroupState("g2", true, 1, 100, 90, 0, -1, 1, Map.of("n2", 7L, "n3", 0L))));

    assertThat(text())
        .contains("pxlite_group_apply_lag_entries{group=\"g2\",node_id=\"n1\"} 10.0")
        .contains("pxlite_group_follower_lag_entries{follower=\"n2\",group=\"g2\",node_id=\"n1\"} 7.0")
        .contains("pxlite_group_follower_lag_entries{follower=\"n3\",group=\"g2\",node_id=\"n1\"} 0.0");

    gauges.accept(sample());

    assertThat(text()).doesNotContain("group=\"g2\"");
  }

  private String text() {
    return new String(metrics.prometheusText(), StandardCharsets.UTF_8);
  }

  private static TelemetrySample sample(GroupState... groups) {
    return new TelemetrySample(Instant.now(), Optional.empty(), List.of(), List.of(), Optional.empty(), List.of(groups),
        Optional.empty());
  }
}
