package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real node's {@code /metrics} while fio drives a volume over NBD: the counters move by exactly
 * what fio reports, the latency summaries count every request, gauges settle, and a deleted volume's
 * series go away.
 */
class MetricsIT {
  private static final Duration T = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("metrics");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void volumeCountersMoveByWhatFioDid() throws Exception {
    JsonNode volume = cluster.node.createVolume("m1", "256M");
    Map<String, String> labels = Map.of("volumename", "m1", "volumeid", volume.get("id").asText(),
        "node_id", cluster.node.nodeId());
    ScrapedMetrics before = ScrapedMetrics.of(cluster.node);

    JsonNode write = fio("randwrite");
    JsonNode read = fio("randread");

    ScrapedMetrics after = ScrapedMetrics.of(cluster.node);
    long writes = write.get("total_ios").asLong();
    long reads = read.get("total_ios").asLong();
    assertThat(writes).as("fio's writes").isEqualTo(8192);
    assertThat(delta(before, after, "px_volume_writes_total", labels)).isEqualTo(writes);
    assertThat(delta(before, after, "px_volume_written_bytes_total", labels)).isEqualTo(write.get("io_bytes").asLong());
    assertThat(delta(before, after, "px_volume_reads_total", labels)).isEqualTo(reads);
    assertThat(delta(before, after, "px_volume_read_bytes_total", labels)).isEqualTo(read.get("io_bytes").asLong());
    assertThat(delta(before, after, "px_volume_write_latency_seconds_count", labels)).isEqualTo(writes);
    assertThat(delta(before, after, "px_volume_read_latency_seconds_count", labels)).isEqualTo(reads);
    assertThat(delta(before, after, "pxlite_nbd_requests_total", Map.of("command", "write"))).isGreaterThanOrEqualTo(writes);
    // Every write is an event of the volume's group: its commit latency is timed once per event.
    String group = volume.get("replica_group").asText();
    assertThat(delta(before, after, "pxlite_group_commit_latency_seconds_count", Map.of("group", group)))
        .isGreaterThanOrEqualTo(writes);

    // The node times from request to reply, inside what fio times from submission to completion.
    double p50 = after.value("px_volume_write_latency_seconds", with(labels, "quantile", "0.5"));
    double fioP99 = write.get("clat_ns").get("percentile").get("99.000000").asDouble() / 1e9;
    assertThat(p50).isPositive().isLessThanOrEqualTo(fioP99);
    assertThat(after.value("px_volume_depth_io", labels)).isZero();

    // The JSON form carries the same count.
    assertThat(jsonValue("px_volume_writes_total", "m1")).isEqualTo(after.value("px_volume_writes_total", labels));
  }

  @Test
  void sampledGaugesShowSpaceAndReplicationAndDeletedVolumesLeave() throws Exception {
    JsonNode volume = cluster.node.createVolume("m2", "64M");
    Map<String, String> labels = Map.of("volumename", "m2", "volumeid", volume.get("id").asText());
    Cmd.run(T, "fio", "--name=fill", "--ioengine=nbd", "--uri=" + cluster.node.nbdUri("m2"), "--rw=write",
        "--bs=64k", "--iodepth=8", "--size=16M", "--output-format=normal").ok();

    // Sampled every 5 s: the first sample after the write has the volume's 16 MiB.
    Poll.until(Duration.ofSeconds(30), "m2's usage sampled", () ->
        ScrapedMetrics.of(cluster.node).value("px_volume_usage_bytes", labels) == 16 << 20);
    ScrapedMetrics now = ScrapedMetrics.of(cluster.node);
    assertThat(now.value("px_volume_capacity_bytes", labels)).isEqualTo(64 << 20);
    assertThat(now.value("px_volume_halevel", labels)).isEqualTo(1);
    assertThat(now.value("pxlite_volume_replicas_healthy", labels)).isEqualTo(1);
    assertThat(now.value("pxlite_volume_replication_status", labels)).isZero();
    assertThat(now.value("pxlite_kvdb_reachable", Map.of())).isEqualTo(1);
    assertThat(now.value("px_cluster_status_nodes_online", Map.of())).isEqualTo(1);
    assertThat(now.find("px_disk_capacity_bytes", Map.of())).hasSize(1);
    assertThat(now.value("pxlite_rocksdb_bytes_written_total", Map.of())).isPositive();
    assertThat(now.find("jvm_memory_used_bytes", Map.of("area", "heap"))).hasSize(1);

    NodeProcess.Reply deleted = cluster.node.api("DELETE", "/v1/volumes/m2", null);
    assertThat(deleted.status()).isEqualTo(204);
    Poll.until(Duration.ofSeconds(30), "m2's series gone", () -> {
      ScrapedMetrics later = ScrapedMetrics.of(cluster.node);
      return later.find("px_volume_usage_bytes", labels).isEmpty() && later.find("px_volume_writes_total", labels).isEmpty();
    });
  }

  @Test
  void refusedRequestsAreCountedByKind() throws Exception {
    JsonNode volume = cluster.node.createVolume("m3", "16M");
    Map<String, String> labels = Map.of("volumename", "m3", "volumeid", volume.get("id").asText());
    ScrapedMetrics before = ScrapedMetrics.of(cluster.node);

    // libnbd refuses a read past the end itself unless told not to; the node must answer EINVAL.
    Cmd.run(T, "/usr/bin/python3", "-c", String.join("\n",
        "import nbd, errno",
        "h = nbd.NBD()",
        "h.connect_uri('" + cluster.node.nbdUri("m3") + "')",
        "h.set_strict_mode(0)",
        "try:",
        "    h.pread(4096, h.get_size())",
        "    raise SystemExit('a read past the end succeeded')",
        "except nbd.Error as e:",
        "    assert e.errnum == errno.EINVAL, e",
        "h.shutdown()")).ok();

    ScrapedMetrics after = ScrapedMetrics.of(cluster.node);
    assertThat(delta(before, after, "pxlite_nbd_errors_total", Map.of("kind", "einval"))).isEqualTo(1);
    assertThat(delta(before, after, "pxlite_volume_errors_total", labels)).isEqualTo(1);
    assertThat(delta(before, after, "px_volume_reads_total", labels)).isZero();
    Poll.until(Duration.ofSeconds(10), "the connection counted closed",
        () -> ScrapedMetrics.of(cluster.node).value("pxlite_nbd_connections", Map.of()) == 0);
  }

  /** fio's job figures for 4 KiB {@code rw} over the first 32 MiB at QD16 (8,192 requests). */
  private static JsonNode fio(String rw) throws Exception {
    Cmd.Result fio = Cmd.run(T, "fio", "--name=" + rw, "--ioengine=nbd", "--uri=" + cluster.node.nbdUri("m1"),
        "--rw=" + rw, "--bs=4k", "--iodepth=16", "--size=32M", "--output-format=json").ok();
    String out = fio.output();
    // fio's nbd engine says "fio: connected to NBD server" before its JSON.
    JsonNode job = JSON.readTree(out.substring(out.indexOf('{'))).get("jobs").get(0);
    return job.get(rw.equals("randwrite") ? "write" : "read");
  }

  private static long delta(ScrapedMetrics before, ScrapedMetrics after, String name, Map<String, String> labels) {
    return Math.round(after.value(name, labels) - before.value(name, labels));
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(labels);
    more.put(name, value);
    return more;
  }

  private static double jsonValue(String family, String volumeName) {
    JsonNode metrics = cluster.node.api("GET", "/v1/metrics", null).body().get("metrics");
    for (JsonNode f : metrics) {
      if (f.get("name").asText().equals(family)) {
        for (JsonNode sample : f.get("samples")) {
          if (sample.get("labels").get("volumename").asText().equals(volumeName)) {
            return sample.get("value").asDouble();
          }
        }
      }
    }
    throw new AssertionError("no " + family + " for volume " + volumeName + " in /v1/metrics");
  }
}
