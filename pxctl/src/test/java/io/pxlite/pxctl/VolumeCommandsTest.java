package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VolumeCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createSendsEveryFlagAsTypedAndPrintsOnlyTheId(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes", 201, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "create", "db", "--size", "10G", "-r", "2",
          "--fs", "ext4", "-b", "4K", "-l", "app=pg,tier=data", "--label", "team=core",
          "--io_priority", "high", "--snap_interval", "30", "--nodes", "node-1,node-2");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("vol-1\n");
      assertThat(JSON.readTree(api.onlyRequest().body())).isEqualTo(JSON.readTree("""
          {"name":"db","size":"10G","repl":2,"fs":"ext4","block_size":"4K","io_priority":"high",
           "snap_interval":30,"nodes":"node-1,node-2","labels":{"app":"pg","tier":"data","team":"core"}}
          """));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void haUpdateSendsTheReplicationAndPrintsTheNewReplicas(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("PATCH", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "ha-update", "db", "--repl", "2");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo(
          "Update Volume Replication: Replication update successful for volume db; replicas node-1, node-2\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"repl\":2}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void haUpdateWithANodeSendsWhereTheReplicaGoes(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("PATCH", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "ha-update", "db", "--repl", "2", "--node", "node-2");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(api.onlyRequest().body()).isEqualTo("{\"repl\":2,\"node\":\"node-2\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void updateSendsTheIoPolicyGiven(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("PATCH", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "update", "db", "--io_priority", "low", "--max_iops", "500,200",
          "--max_bandwidth", "100");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Update Volume: Volume update successful for volume db\n");
      assertThat(api.onlyRequest().body())
          .isEqualTo("{\"io_priority\":\"low\",\"max_iops\":\"500,200\",\"max_bandwidth\":\"100\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void updateAndCreateSendTheSnapshotSchedulesGiven(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("PATCH", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB)
        .on("POST", "/v1/volumes", 201, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun update = PxctlRun.against(server, "volume", "update", "db", "--periodic", "0", "--daily", "02:00,7",
          "--weekly", "sunday@03:00,4", "--monthly", "1@04:00,12");
      PxctlRun create = PxctlRun.against(server, "volume", "create", "db", "--periodic", "60,5");

      assertThat(update.err()).isEmpty();
      assertThat(create.err()).isEmpty();
      assertThat(api.received()).extracting(r -> r.body()).containsExactly(
          "{\"periodic\":\"0\",\"daily\":\"02:00,7\",\"weekly\":\"sunday@03:00,4\",\"monthly\":\"1@04:00,12\"}",
          "{\"name\":\"db\",\"periodic\":\"60,5\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void inspectOfASnapshotNameShowsTheSnapshotWithParentAndCreator(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/snapshots", 200, CannedBodies.SNAPSHOTS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun byName = PxctlRun.against(server, "volume", "inspect", "logs.snap-8");
      PxctlRun byId = PxctlRun.against(server, "volume", "inspect", "snap-7");
      PxctlRun missing = PxctlRun.against(server, "volume", "inspect", "nothing");

      assertThat(byName.exitCode()).isZero();
      assertThat(byName.out()).isEqualTo("""
          Snapshot       :  snap-8
          Name           :  logs.snap-8
          Parent volume  :  logs (vol-22)
          Creator        :  schedule (periodic)
          Size           :  512 MiB
          Created        :  2026-01-06T10:00:00Z
          NBD URI        :  nbd://10.0.1.1:10809/snap-8
          """);
      assertThat(byId.out()).contains("Name           :  db-monday\n", "Creator        :  manual\n");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("no canned reply for GET /v1/volumes/nothing");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listWithSnapshotListsSnapshots(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/snapshots", 200, CannedBodies.SNAPSHOTS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "list", "--snapshot");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("ID      NAME         VOLUME  SIZE     CREATED               CREATOR\n")
          .contains("snap-8  logs.snap-8  logs    512 MiB  2026-01-06T10:00:00Z  schedule (periodic)\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void updateWithNothingToChangeSaysWhatItTakesAndSendsNothing(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "update", "db");

      assertThat(run.exitCode()).isNotZero();
      assertThat(run.err()).contains("give at least one of --size, --io_priority, --max_iops, --max_bandwidth,"
          + " --periodic, --daily, --weekly, --monthly");
      assertThat(api.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void haUpdateWithoutReplIsAUsageErrorAndSendsNothing(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "ha-update", "db");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("Missing required option: '--repl=N'");
      assertThat(api.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createWithOnlyANameSendsOnlyTheName(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes", 201, CannedBodies.VOLUME_LOGS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "create", "logs");

      assertThat(run.out()).isEqualTo("vol-22\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"name\":\"logs\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createRejectedByTheServerPrintsItsMessage(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi()
        .on("POST", "/v1/volumes", 400, "{\"error\":\"invalid size \\\"10Q\\\": unknown unit Q\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "create", "db", "-s", "10Q");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: invalid size \"10Q\": unknown unit Q\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void createWithJsonPrintsTheWholeVolume(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes", 201, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "create", "db", "-j");

      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.VOLUME_DB));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listShowsSizeHaAndAttachStatus(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes", 200, CannedBodies.VOLUMES);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "list");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          ID      NAME  SIZE     HA  SHARED  STATUS
          vol-1   db    10 GiB   2   no      up - attached on node-1
          vol-22  logs  512 MiB  1   no      up - detached
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listOfNothingIsTheHeader(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes", 200, "[]");
    try (CannedServer server = kind.start(api, dir)) {
      assertThat(PxctlRun.against(server, "volume", "list").out()).isEqualTo("ID  NAME  SIZE  HA  SHARED  STATUS\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void inspectPrintsTheReadableBlock(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "inspect", "db");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          Volume             :  vol-1
          Name               :  db
          Size               :  10 GiB
          Format             :  ext4
          Block size         :  4 KiB
          HA                 :  2
          IO priority        :  high
          Max IOPS           :  unlimited read, 500 write
          Max bandwidth      :  unlimited read, 8 MiB/s write
          Snapshot interval  :  30 min
          Snap schedules     :  periodic 30,5, daily 02:00,7
          Labels             :  app=pg,tier=data
          Created            :  2026-01-01T00:00:00Z
          State              :  attached
          Status             :  up - attached on node-1
          Used               :  1.5 GiB
          Snapshot bytes     :  0 B
          Replica group      :  rg-1
          Replicas           :  node-1, node-2
          Group leader       :  node-1
          Replica states     :  node-1: in sync, node-2: catching up (12 of 40), node-3: rebuilding (512 MiB of about 2 GiB, 25%)
          Attached on        :  node-1
          Device path        :  /dev/nbd0
          Mount paths        :  /mnt/db, /var/lib/osd/mounts/db
          NBD URI            :  nbd://10.0.1.1:10809/vol-1
          Checksum errors    :  0
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void inspectOfADetachedVolumeWithoutLabels(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/logs", 200, CannedBodies.VOLUME_LOGS);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "inspect", "logs");

      assertThat(run.out())
          .contains("Snapshot interval  :  off\n", "Labels             :  -\n", "Attached on        :  -\n",
              "Device path        :  -\n", "Mount paths        :  -\n", "Replica states     :  -\n",
              "Status             :  up - detached\n", "Checksum errors    :  3\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void inspectWithJsonPrintsTheFullJson(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/db", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "inspect", "db", "-j");

      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.VOLUME_DB));
      assertThat(run.out()).contains("\n  \"replicas\" : [ \"node-1\", \"node-2\" ],\n",
          "\n  \"device_path\" : \"/dev/nbd0\",\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void namesArePercentEncodedInThePath(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes/my%20vol%2Fa%2Bb", 200, CannedBodies.VOLUME_DB);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "inspect", "my vol/a+b");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void deleteConfirmsLikePx(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("DELETE", "/v1/volumes/db", 204, "");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "delete", "db");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume db successfully deleted\n");
      assertThat(api.onlyRequest().method()).isEqualTo("DELETE");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void deleteWithJsonPrintsAnEmptyObject(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("DELETE", "/v1/volumes/db", 204, "");
    try (CannedServer server = kind.start(api, dir)) {
      assertThat(PxctlRun.against(server, "volume", "delete", "db", "-j").out()).isEqualTo("{ }\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void deleteOfAMissingVolumeIsExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("DELETE", "/v1/volumes/nope", 404, "{\"error\":\"no volume nope\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "delete", "nope");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("pxctl: no volume nope\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void restoreSendsTheSnapshotAndSaysWhatItRewrote(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/db/restore", 200, """
        {"volume":"db","snapshot":"db.snap1","compared_bytes":67108864,"written_bytes":3145728,
         "zeroed_bytes":1048576,"millis":1500}""");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "restore", "--snapshot", "db.snap1", "db");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Successfully restored volume db from snapshot db.snap1: 3 MiB rewritten,"
          + " 1 MiB released, 60 MiB already equal (1.5 s)\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"snapshot\":\"db.snap1\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void restoreOfAnAttachedVolumeSaysWhyAndExitsOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/db/restore", 409,
        "{\"error\":\"volume db is attached on node node-1 since 2026-12-07T00:00:00Z; detach it before restoring it\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "restore", "-s", "db.snap1", "db");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo(
          "pxctl: volume db is attached on node node-1 since 2026-12-07T00:00:00Z; detach it before restoring it\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void cloneSendsTheNewNameAndPrintsTheNewVolume(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/db.snap1/clone", 201, """
        {"id":"00000000000000aa","name":"db2","size_bytes":67108864,"repl":3}""");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "clone", "--name", "db2", "db.snap1");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume clone successful: 00000000000000aa (db2, from db.snap1)\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"name\":\"db2\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aCloneBeingCopiedIsListedAsBeingClonedNotAsAttached(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes", 200, "[" + CannedBodies.VOLUME_LOGS
        .replace("\"state\":\"detached\"", "\"state\":\"cloning\"")
        .replace("\"attached_on\":null", "\"attached_on\":\"node-2\"") + "]");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "list");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("""
          ID      NAME  SIZE     HA  SHARED  STATUS
          vol-22  logs  512 MiB  1   no      up - being cloned on node-2
          """);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void cloneWithoutANameIsRefusedBeforeAnyRequest(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "volume", "clone", "db");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("Missing required option: '--name=NEW'");
      assertThat(api.received()).isEmpty();
    }
  }
}
