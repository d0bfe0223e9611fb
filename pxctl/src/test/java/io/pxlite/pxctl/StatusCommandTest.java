package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void printsNodeDevicesClusterKvdbAndPool(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, CannedBodies.STATUS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "status");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          Status: pxlite is operational
          Node ID: node-1
            IP: 10.0.0.1 (management), 10.0.1.1 (data)
            Local storage devices: 1 device
            DEVICE    PATH      CAPACITY  USED    USE
            node-1:0  /dev/sdb  100 GiB   10 GiB  [##..................] 10% used
          Cluster Summary
            Cluster ID: cluster-a
            Nodes: 1 online / 2 total
            KVDB: etcd:http://127.0.0.1:2379, etcd:http://127.0.0.2:2379 (reachable)
          Global Storage Pool
            Total Used      :  10 GiB
            Total Free      :  140 GiB
            Total Capacity  :  150 GiB
            Use             :  [#...................] 7% used
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void healthSaysOkOrListsWhatIsDegraded(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, CannedBodies.STATUS)
        .on("GET", "/health", 503, """
            {"status":"degraded","reasons":["node node-2 (10.0.0.2) is offline",
              "volume db has 1 of 2 replicas in sync: node-2 down"]}""");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "status");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).endsWith("""
          Health: degraded
            - node node-2 (10.0.0.2) is offline
            - volume db has 1 of 2 replicas in sync: node-2 down
          """);
    }
    CannedApi fine = new CannedApi().on("GET", "/v1/status", 200, CannedBodies.STATUS)
        .on("GET", "/health", 200, "{\"status\":\"ok\",\"reasons\":[]}");
    try (CannedServer server = kind.start(fine, dir)) {
      assertThat(PxctlRun.against(server, "status").out()).endsWith("Health: ok\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void saysWhyTheClusterIsNotHealthy(ServerKind kind) throws Exception {
    String unhealthy = CannedBodies.STATUS
        .replace("\"kvdb_reachable\":true", "\"kvdb_reachable\":false")
        .replace("\"health\":\"healthy\"", "\"health\":\"kvdb unreachable\"");
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, unhealthy);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "status");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out())
          .startsWith("Status: pxlite is not healthy: kvdb unreachable\n")
          .contains("  KVDB: etcd:http://127.0.0.1:2379, etcd:http://127.0.0.2:2379 (UNREACHABLE)\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void jsonFlagPrintsTheServersJsonPretty(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, CannedBodies.STATUS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "status", "-j");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out())
          .startsWith("{\n  \"cluster_id\" : \"cluster-a\",\n  \"node\" : {\n    \"id\" : \"node-1\",")
          .contains("\"kvdb_reachable\" : true")
          .endsWith("}\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aFailingHealthCallStillPrintsTheStatusAndSaysHealthIsUnknown(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, CannedBodies.STATUS)
        .on("GET", "/health", 500, "{\"error\":\"health check crashed\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "status");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("Status: pxlite is operational\n").endsWith("""
            Use             :  [#...................] 7% used
          Health: unknown
            - /health failed: health check crashed
          """);
    }
  }
}
