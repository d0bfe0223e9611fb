package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnapCommandsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createPrintsPxsConfirmation(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/snapshots", 201, CannedBodies.SNAPSHOT);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "snap", "create", "db", "--name", "db-monday");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume successfully snapped: snap-7\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"volume\":\"db\",\"name\":\"db-monday\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createWithoutANameLetsTheServerChoose(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/snapshots", 201, CannedBodies.SNAPSHOT);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun.against(server, "snap", "create", "db");

      assertThat(api.onlyRequest().body()).isEqualTo("{\"volume\":\"db\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listShowsEverySnapshot(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/snapshots", 200, CannedBodies.SNAPSHOTS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "snap", "list");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          ID      NAME         VOLUME  SIZE     CREATED               CREATOR
          snap-7  db-monday    db      10 GiB   2026-01-05T10:00:00Z  manual
          snap-8  logs.snap-8  logs    512 MiB  2026-01-06T10:00:00Z  schedule (periodic)
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listOfOneVolumeAsksTheServerToFilter(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/snapshots?volume=my+db", 200, "[" + CannedBodies.SNAPSHOT + "]");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "snap", "list", "my db");

      assertThat(run.err()).isEmpty();
      assertThat(run.out()).contains("snap-7").doesNotContain("snap-8");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listWithJsonPrintsTheArray(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/snapshots", 200, CannedBodies.SNAPSHOTS);
    try (CannedServer server = kind.start(api, dir)) {
      assertThat(PxctlRun.against(server, "-j", "snap", "list").out())
          .startsWith("[ {\n  \"id\" : \"snap-7\",")
          .contains("\"volume_id\" : \"vol-22\"");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void deleteConfirms(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("DELETE", "/v1/snapshots/db-monday", 204, "");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "snap", "delete", "db-monday");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Snapshot db-monday successfully deleted\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void snapshotOfAMissingVolumeIsExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/snapshots", 404, "{\"error\":\"no volume ghost\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "snap", "create", "ghost");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("pxctl: no volume ghost\n");
    }
  }
}
