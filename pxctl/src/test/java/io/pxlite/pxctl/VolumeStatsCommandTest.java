package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeStatsCommandTest {
  @TempDir Path dir;

  /** Two readings of a node's /v1/metrics, 2 s apart on the node's clock. */
  static String metrics(String time, long reads, long writes, long readBytes, long writtenBytes, long depth) {
    String labels = "{\"node_id\":\"node-1\",\"volumeid\":\"vol-1\",\"volumename\":\"db\"}";
    return """
        {"node_id":"node-1","time":"%s","metrics":[
          {"name":"px_volume_reads_total","type":"counter","samples":[{"labels":%s,"value":%d}]},
          {"name":"px_volume_writes_total","type":"counter","samples":[{"labels":%s,"value":%d}]},
          {"name":"px_volume_read_bytes_total","type":"counter","samples":[{"labels":%s,"value":%d}]},
          {"name":"px_volume_written_bytes_total","type":"counter","samples":[{"labels":%s,"value":%d}]},
          {"name":"px_volume_read_latency_seconds","type":"summary","samples":[
             {"labels":%s,"count":10,"quantiles":{"0.5":0.0002,"0.99":0.0015}}]},
          {"name":"px_volume_write_latency_seconds","type":"summary","samples":[
             {"labels":%s,"count":10,"quantiles":{"0.5":0.0004,"0.99":0.003}}]},
          {"name":"px_volume_depth_io","type":"gauge","samples":[{"labels":%s,"value":%d}]},
          {"name":"px_volume_usage_bytes","type":"gauge","samples":[{"labels":%s,"value":1073741824}]}]}
        """.formatted(time, labels, reads, labels, writes, labels, readBytes, labels, writtenBytes, labels, labels,
        labels, depth, labels);
  }

  private static final String BEFORE = metrics("2026-12-06T12:00:00Z", 1000, 5000, 4_096_000, 20_480_000, 0);
  private static final String AFTER = metrics("2026-12-06T12:00:02Z", 3000, 9000, 12_288_000, 36_864_000, 7);

  @Test
  void ratesComeFromTheCountersGrowthOverTheNodesClock() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics", BEFORE, AFTER);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--interval", "0");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          Volume db (vol-1) on node node-1, over 2.0 s
                              READ   WRITE
            IOPS              1,000  2,000
            MB/s              4.10   8.19
            latency p50 (ms)  0.20   0.40
            latency p99 (ms)  1.50   3.00
            Queue depth  :  7
            Used here    :  1 GiB
          """);
    }
  }

  @Test
  void everyVolumeOnOneLineEachWithoutAName() throws Exception {
    CannedApi api = new CannedApi().onInTurn("GET", "/v1/metrics", BEFORE, AFTER);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "--interval", "0");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          VOLUME  READ IOPS  WRITE IOPS  READ MB/s  WRITE MB/s  WRITE p99 ms  DEPTH
          db      1,000      2,000       4.10       8.19        3.00          7
          """);
    }
  }

  @Test
  void theJsonFormHasTheComputedFigures() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics", BEFORE, AFTER);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "-j", "volume", "stats", "db", "--interval", "0");

      assertThat(run.exitCode()).isZero();
      var json = new ObjectMapper().readTree(run.out());
      assertThat(json.get("write_iops").asDouble()).isEqualTo(2000.0);
      assertThat(json.get("read_p99_ms").asDouble()).isEqualTo(1.5);
      assertThat(json.get("depth").asLong()).isEqualTo(7);
    }
  }

  @Test
  void aVolumeServedElsewhereSaysWhereToAsk() throws Exception {
    String empty = "{\"node_id\":\"node-2\",\"time\":\"2026-12-06T12:00:00Z\",\"metrics\":[]}";
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics", empty, empty);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--interval", "0");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("no I/O metrics for volume db on node node-2: it is attached on node node-1;"
          + " ask that node with --endpoint\n");
    }
  }

  @Test
  void anUnknownVolumeIsTheServersError() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/nope", 404, "{\"error\":\"no volume 'nope'\"}");
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "nope", "--interval", "0");

      assertThat(run.exitCode()).isNotZero();
      assertThat(run.err()).contains("no volume 'nope'");
      assertThat(api.received()).hasSize(1);
    }
  }

  @Test
  void watchPrintsAFramePerIntervalAndACounterThatWentDownCountsFromZero() throws Exception {
    String restarted = metrics("2026-12-06T12:00:04Z", 500, 1000, 2_048_000, 4_096_000, 1);
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics", BEFORE, AFTER, restarted);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--watch", "--count", "2", "--interval", "0");

      assertThat(run.exitCode()).isZero();
      String[] frames = run.out().split("\033\\[H\033\\[2J", -1);
      assertThat(frames).hasSize(3); // before the first clear, nothing
      assertThat(frames[1]).contains("IOPS              1,000  2,000");
      assertThat(frames[2]).contains("IOPS              250   500");
    }
  }
}
