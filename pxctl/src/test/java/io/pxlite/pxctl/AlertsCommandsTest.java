package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class AlertsCommandsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void alertsAreATableMostSevereFirstAsTheNodeSentThem(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/alerts", 200, """
        [{"kind":"node_offline","severity":"critical","resource_type":"node","resource":"node-3",
          "message":"node node-3 (10.0.0.3) is offline","since":"2026-12-06T12:00:00Z"},
         {"kind":"replica_degraded","severity":"warning","resource_type":"volume","resource":"db",
          "message":"volume db has 2 of 3 replicas in sync: node-3 down","since":"2026-12-06T12:00:05Z"}]
        """);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "alerts", "show");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          TIME                  SEVERITY  KIND              RESOURCE     MESSAGE
          2026-12-06T12:00:00Z  CRITICAL  node_offline      node/node-3  node node-3 (10.0.0.3) is offline
          2026-12-06T12:00:05Z  WARNING   replica_degraded  volume/db    volume db has 2 of 3 replicas in sync: node-3 down
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void noAlertsSaysSo(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/alerts", 200, "[]");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "alerts", "show");

      assertThat(run.out()).isEqualTo("No alerts.\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void jsonPrintsTheList(ServerKind kind) throws Exception {
    String alerts = """
        [{"kind":"device_full","severity":"critical","resource_type":"device","resource":"node-1:0",
          "message":"device node-1:0 is 97% full","since":"2026-12-06T12:00:00Z"}]
        """;
    CannedApi api = new CannedApi().on("GET", "/v1/alerts", 200, alerts);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "-j", "alerts", "show");

      ObjectMapper json = new ObjectMapper();
      assertThat(run.exitCode()).isZero();
      assertThat(json.readTree(run.out())).isEqualTo(json.readTree(alerts));
      assertThat(run.out()).startsWith("[ {\n  \"kind\" : \"device_full\",");
    }
  }
}
