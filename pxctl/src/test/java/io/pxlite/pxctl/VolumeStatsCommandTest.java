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
      ObjectMapper json = new ObjectMapper();
      assertThat(json.readTree(run.out())).isEqualTo(json.readTree("""
          {"volume_id":"vol-1","volume_name":"db","seconds":2.0,"read_iops":1000.0,"write_iops":2000.0,
           "read_mbps":4.096,"write_mbps":8.192,"read_p50_ms":0.2,"read_p99_ms":1.5,"write_p50_ms":0.4,
           "write_p99_ms":3.0,"depth":7,"used_bytes":1073741824}
          """));
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

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: no volume 'nope'\n");
      assertThat(api.onlyRequest().target()).isEqualTo("/v1/volumes/nope");
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
  /** Two samples of one volume on one node (e.g. two exports' series): counters and depth add up. */
  private static String twoSamples(String time, long readsA, long readsB, long writesA, long writesB, long readBytes,
      long writtenBytesEach) {
    String a = "{\"node_id\":\"node-1\",\"volumeid\":\"vol-1\",\"volumename\":\"db\",\"export\":\"a\"}";
    String b = a.replace("\"a\"", "\"b\"");
    return """
        {"node_id":"node-1","time":"%1$s","metrics":[
          {"name":"px_volume_reads_total","type":"counter","samples":[
             {"labels":%2$s,"value":%4$d},{"labels":%3$s,"value":%5$d}]},
          {"name":"px_volume_writes_total","type":"counter","samples":[
             {"labels":%2$s,"value":%6$d},{"labels":%3$s,"value":%7$d}]},
          {"name":"px_volume_read_bytes_total","type":"counter","samples":[
             {"labels":%2$s,"value":%8$d},{"labels":%3$s,"value":0}]},
          {"name":"px_volume_written_bytes_total","type":"counter","samples":[
             {"labels":%2$s,"value":%9$d},{"labels":%3$s,"value":%9$d}]},
          {"name":"px_volume_read_latency_seconds","type":"summary","samples":[
             {"labels":%2$s,"count":5,"quantiles":{"0.5":0.001,"0.99":0.004}},
             {"labels":%3$s,"count":5,"quantiles":{"0.5":0.002,"0.99":0.003}}]},
          {"name":"px_volume_write_latency_seconds","type":"summary","samples":[
             {"labels":%2$s,"count":5,"quantiles":{"0.5":0.0004,"0.99":0.003}}]},
          {"name":"px_volume_depth_io","type":"gauge","samples":[
             {"labels":%2$s,"value":3},{"labels":%3$s,"value":2}]},
          {"name":"px_volume_usage_bytes","type":"gauge","samples":[
             {"labels":%2$s,"value":536870912},{"labels":%3$s,"value":536870912}]}]}
        """.formatted(time, a, b, readsA, readsB, writesA, writesB, readBytes, writtenBytesEach);
  }

  @Test
  void severalSamplesOfAVolumeAreSummedAndTheWorstQuantileShown() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics",
            twoSamples("2026-12-06T12:00:00Z", 100, 200, 10, 20, 409_600, 40_960),
            twoSamples("2026-12-06T12:00:04Z", 300, 400, 50, 60, 2_457_600, 1_040_960));
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--interval", "0");

      assertThat(run.err()).isEmpty();
      // reads (300+400)-(100+200) = 400 in 4 s; read bytes 2,048,000 / 4 s = 0.512 MB/s; written 2 x 1,000,000 / 4 s.
      assertThat(run.out()).isEqualTo("""
          Volume db (vol-1) on node node-1, over 4.0 s
                              READ  WRITE
            IOPS              100   20
            MB/s              0.51  0.50
            latency p50 (ms)  2.00  0.40
            latency p99 (ms)  4.00  3.00
            Queue depth  :  5
            Used here    :  1 GiB
          """);
    }
  }

  @Test
  void aVolumeAttachedHereWithoutSeriesSaysTheNodeRecordsNone() throws Exception {
    String empty = "{\"node_id\":\"node-1\",\"time\":\"2026-12-06T12:00:00Z\",\"metrics\":[]}";
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .onInTurn("GET", "/v1/metrics", empty, empty);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--interval", "0");

      assertThat(run.out()).isEqualTo("no I/O metrics for volume db on node node-1: it is attached here, but this node"
          + " records no per-volume I/O (started with -Dpxlite.metrics.io=off?)\n");
    }
  }

  @Test
  void aDetachedVolumeWithoutSeriesSaysNoClientHasItOpen() throws Exception {
    String empty = "{\"node_id\":\"node-1\",\"time\":\"2026-12-06T12:00:00Z\",\"metrics\":[]}";
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/logs", 200, CannedBodies.VOLUME_LOGS)
        .onInTurn("GET", "/v1/metrics", empty, empty);
    try (CannedServer server = ServerKind.UNIX_SOCKET.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "logs", "--interval", "0");

      assertThat(run.out()).isEqualTo("no I/O metrics for volume logs on node node-1: no client has it open here\n");
    }
  }

  @Test
  void noVolumeWithSeriesSaysSo() throws Exception {
    String empty = "{\"node_id\":\"node-2\",\"time\":\"2026-12-06T12:00:00Z\",\"metrics\":[]}";
    CannedApi api = new CannedApi().onInTurn("GET", "/v1/metrics", empty, empty);
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      assertThat(PxctlRun.against(server, "volume", "stats", "--interval", "0").out())
          .isEqualTo("no volume has I/O metrics on node node-2\n");
    }
  }

  @Test
  void aNegativeIntervalIsAUsageErrorBeforeAnyRequest() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = ServerKind.TCP.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "stats", "db", "--interval", "-1");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).startsWith("--interval must not be negative, got -1.0\n");
      assertThat(api.received()).isEmpty();
    }
  }
}
