package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scraping a local 3-node cluster with pxlite's alert rules: per-volume series of
 * a repl-3 volume arrive from every replica, the rules evaluate without error, and every metric the
 * Grafana dashboard in ops/ queries is one the nodes export.
 */
class PrometheusIT {
  private static final Duration T = Duration.ofMinutes(2);
  private static final Path OPS = Path.of(System.getProperty("user.dir")).resolveSibling("ops");
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static PrometheusProcess prometheus;
  private static String volumeId;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("cluster"), 3);
    NodeProcess.Reply created = cluster.node(1).api("POST", "/v1/volumes", Map.of("name", "pv", "size", "256M", "repl", 3));
    assertThat(created.status()).as("create pv: %s", created.body()).isEqualTo(201);
    volumeId = created.body().get("id").asText();
    prometheus = PrometheusProcess.start(dir.resolve("prometheus"), cluster.nodes,
        OPS.resolve("prometheus/pxlite-alerts.yml"));
    Cmd.run(T, "fio", "--name=w", "--ioengine=nbd", "--uri=" + cluster.node(1).nbdUri("pv"), "--rw=randwrite",
        "--bs=4k", "--iodepth=8", "--size=8M", "--output-format=normal").ok();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyNodeIsScrapedAndTheVolumesSeriesArrive() {
    Poll.until(T, "three pxlite targets up", () -> count("up{job=\"pxlite\"} == 1") == 3);
    // fio wrote 2,048 blocks through node 1; Prometheus has the total once it scraped after fio.
    Poll.until(T, "pv's writes in Prometheus", () -> value(
        "sum(px_volume_writes_total{volumename=\"pv\",volumeid=\"" + volumeId + "\"})") == 2048);
    // Each replica's node reports the volume's space: three series, one per node_id.
    Poll.until(T, "pv's usage from its three replicas",
        () -> count("px_volume_usage_bytes{volumename=\"pv\"} == 8388608") == 3);
    Poll.until(T, "pv's group in sync on all three", () -> count("pxlite_volume_replicas_healthy{volumename=\"pv\"} == 3") == 3);
    assertThat(value("sum(rate(px_volume_written_bytes_total{volumename=\"pv\"}[1m])) >= 0")).isNotNaN();
    assertThat(count("pxlite_group_commit_latency_seconds_count > 0")).isGreaterThanOrEqualTo(1);
    // The group's leader reports each follower's lag.
    Poll.until(T, "two followers' lag", () -> count("pxlite_group_follower_lag_entries") == 2);
  }

  @Test
  void theAlertRulesLoadAndEvaluateWithoutErrors() {
    Poll.until(T, "every rule evaluated", () -> {
      JsonNode groups = prometheus.api("/api/v1/rules").get("groups");
      int rules = 0;
      for (JsonNode group : groups) {
        for (JsonNode rule : group.get("rules")) {
          if (!rule.get("health").asText().equals("ok")) {
            return false;
          }
          rules++;
        }
      }
      return rules >= 9;
    });
    // Nothing is wrong with this cluster: once its replicas are in sync, no alert fires or is pending.
    Poll.until(T, "no alert firing or pending", () -> prometheus.api("/api/v1/alerts").get("alerts").isEmpty());
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
    Set<String> queried = grafanaMetrics(OPS.resolve("grafana/pxlite-dashboard.json"));
    assertThat(queried).hasSizeGreaterThan(20);
    Poll.until(T, "pv's group leader to know its followers", () -> count("pxlite_group_follower_lag_entries") == 2);
    Set<String> exported = new HashSet<>();
    for (NodeProcess node : cluster.nodes) {
      exported.addAll(ScrapedMetrics.of(node).families());
    }
    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(exported);
    assertThat(missing).as("metrics the dashboard queries that no node exports").isEmpty();
  }

  @Test
  void everyMetricANodeExportsIsInTheMetricsTable() {
    Set<String> undocumented = new TreeSet<>();
    for (NodeProcess node : cluster.nodes) {
      for (String family : ScrapedMetrics.of(node).families()) {
        if (family.startsWith("px_") || family.startsWith("pxlite_")) {
          undocumented.add(family);
        }
      }
    }
    undocumented.removeAll(io.pxlite.ops.metrics.MetricCatalog.get().names());
    assertThat(undocumented).as("exported but not in ops/METRICS.md").isEmpty();
  }

  /** Metric names in every panel's PromQL; summary series (_count, _sum) are counted as their family. */
  static Set<String> grafanaMetrics(Path dashboard) throws Exception {
    JsonNode root = new ObjectMapper().readTree(Files.readString(dashboard));
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b((?:px|pxlite|jvm|process)_[a-z0-9_]+)\\b");
    root.findValues("expr").forEach(expr -> {
      Matcher m = metric.matcher(expr.asText());
      while (m.find()) {
        names.add(m.group(1).replaceFirst("_(count|sum)$", ""));
      }
    });
    root.findValues("query").forEach(q -> {
      Matcher m = metric.matcher(q.isTextual() ? q.asText() : q.path("query").asText());
      while (m.find()) {
        names.add(m.group(1));
      }
    });
    return names;
  }

  private static int count(String promql) {
    return prometheus.query(promql).size();
  }

  private static double value(String promql) {
    JsonNode result = prometheus.query(promql);
    return result.isEmpty() ? Double.NaN : result.get(0).get("value").get(1).asDouble();
  }
}
