package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.createInSync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts and health of a real 3-node cluster when a node dies: the survivors report it offline and
 * the repl-3 volume degraded, /health turns 503 with the reasons, and all clears when it is back.
 */
class AlertsIT {
  private static final Duration T = Duration.ofMinutes(2);
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("cluster"), 3);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDeadNodeIsAnAlertAndItsReturnClearsIt() {
    createInSync(cluster.node(1), "watched", "64M", 3);
    NodeProcess observer = cluster.node(1);
    Poll.until(T, "a healthy cluster: no alerts, /health 200", () ->
        observer.api("GET", "/v1/alerts", null).body().isEmpty() && observer.api("GET", "/health", null).status() == 200);

    NodeProcess victim = cluster.node(3);
    String victimId = victim.nodeId();
    victim.kill9();

    Poll.until(T, "node 3 offline and the volume degraded in /v1/alerts", () -> {
      JsonNode alerts = observer.api("GET", "/v1/alerts", null).body();
      return has(alerts, "node_offline", victimId) && has(alerts, "replica_degraded", "watched");
    });
    NodeProcess.Reply health = observer.api("GET", "/health", null);
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.body().get("status").asText()).isEqualTo("degraded");
    assertThat(health.body().get("reasons").toString()).contains(victimId).contains("watched has 2 of 3 replicas in sync");
    JsonNode offline = find(observer.api("GET", "/v1/alerts", null).body(), "node_offline", victimId);
    assertThat(offline.get("severity").asText()).isEqualTo("warning");
    assertThat(offline.get("resource_type").asText()).isEqualTo("node");
    assertThat(java.time.Instant.parse(offline.get("since").asText())).isBefore(java.time.Instant.now());
    // What Prometheus would see: the cluster gauges agree.
    assertThat(ScrapedMetrics.of(observer).value("px_cluster_status_nodes_offline", java.util.Map.of())).isEqualTo(1);

    victim.start();
    Poll.until(T, "the alerts cleared once node 3 is back", () ->
        observer.api("GET", "/v1/alerts", null).body().isEmpty() && observer.api("GET", "/health", null).status() == 200);
  }

  private static boolean has(JsonNode alerts, String kind, String resource) {
    return find(alerts, kind, resource) != null;
  }

  private static JsonNode find(JsonNode alerts, String kind, String resource) {
    for (JsonNode a : alerts) {
      if (a.get("kind").asText().equals(kind) && a.get("resource").asText().equals(resource)) {
        return a;
      }
    }
    return null;
  }
}
