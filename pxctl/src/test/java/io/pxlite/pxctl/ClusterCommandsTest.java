package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterCommandsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listPrintsOneRowPerNode(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/cluster/nodes", 200, CannedBodies.NODES);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "cluster", "list");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          ID      MGMT IP   CPU  MEM TOTAL  MEM FREE  CAPACITY  FREE    VOLUMES  STATUS
          node-1  10.0.0.1  8    16 GiB     8 GiB     100 GiB   90 GiB  2        online
          node-2  10.0.0.2  4    8 GiB      1.5 GiB   50 GiB    50 GiB  0        offline
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void inspectPrintsOneNodeAndItsDevices(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/cluster/nodes/node-1", 200, CannedBodies.NODE_1);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "cluster", "inspect", "node-1");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          Node ID       :  node-1
          Status        :  online
          Mgmt IP       :  10.0.0.1
          Data IP       :  10.0.1.1
          CPUs          :  8
          Memory total  :  16 GiB
          Memory free   :  8 GiB
          Capacity      :  100 GiB
          Free          :  90 GiB
          Volumes       :  2
          Devices       :  1
            DEVICE    PATH      CAPACITY  USED
            node-1:0  /dev/sdb  100 GiB   10 GiB
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unknownNodeIsTheServersErrorAndExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/cluster/nodes/node-9", 404, "{\"error\":\"no node node-9\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "cluster", "inspect", "node-9");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: no node node-9\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listWithJsonPrintsTheArray(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/cluster/nodes", 200, CannedBodies.NODES);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "--json", "cluster", "list");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("[ {\n  \"id\" : \"node-1\",").contains("\"id\" : \"node-2\"");
    }
  }
}
