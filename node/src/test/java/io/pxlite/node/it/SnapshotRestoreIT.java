package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.awaitInSync;
import static io.pxlite.node.it.ReplicaChecks.sha256Prefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pxctl volume restore}: a repl-2 volume changed after its snapshot (overwritten, trimmed,
 * written where the snapshot had a hole) reads, on both replicas, exactly as the snapshot after a
 * restore, which writes only the MiBs that differ; refused while the volume is attached, for a
 * snapshot of another volume and for one that does not exist, losing nothing.
 */
class SnapshotRestoreIT {
  private static final long SIZE = 64L << 20;
  private static final long MIB = 1L << 20;

  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("cluster"), 2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRestoredVolumeReadsAsItsSnapshotOnEveryReplicaAndOnlyWhatDifferedIsWritten() throws Exception {
    NodeProcess one = cluster.node(1);
    NodeProcess two = cluster.node(2);
    create(one, "rv", 2);
    awaitInSync(one, "rv");
    // 32 MiB of data, then the snapshot.
    LibnbdScript.run(one, "rv", "h.pwrite(random(32 << 20, 1), 0)");
    NodeProcess.Reply snap = one.api("POST", "/v1/snapshots", Map.of("volume", "rv", "name", "rv.before"));
    assertThat(snap.status()).as("%s", snap.body()).isEqualTo(201);
    String before = sha256Prefix(one, "rv.before", SIZE);
    assertThat(sha256Prefix(one, "rv", SIZE)).isEqualTo(before);

    // After it: 8 MiB overwritten at 8 MiB, the first 2 MiB trimmed, 4 MiB written at 48 MiB (a hole
    // in the snapshot), and 4 KiB changed at 20 MiB.
    LibnbdScript.run(one, "rv", "h.pwrite(random(8 << 20, 2), 8 << 20); h.trim(2 << 20, 0); h.pwrite(random(4 << 20, 3), 48 << 20);"
        + " h.pwrite(random(4096, 4), 20 << 20)");
    assertThat(sha256Prefix(two, "rv", SIZE)).as("the change reached the second replica").isNotEqualTo(before);

    // Refused while attached (here through the host, on node 2), and nothing changes.
    NodeProcess.Reply attached = two.api("POST", "/v1/volumes/rv/attach", null);
    assertThat(attached.status()).as("%s", attached.body()).isEqualTo(200);
    String changed = sha256Prefix(one, "rv", SIZE);
    NodeProcess.Reply refused = one.api("POST", "/v1/volumes/rv/restore", Map.of("snapshot", "rv.before"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("error").asText()).contains("attached on node " + two.nodeId()).contains("detach it");
    assertThat(two.api("POST", "/v1/volumes/rv/detach", null).status()).isEqualTo(200);
    assertThat(sha256Prefix(one, "rv", SIZE)).as("a refused restore changed nothing").isEqualTo(changed);

    // Bad input: clear errors, nothing changed.
    create(one, "other", 1);
    assertThat(one.api("POST", "/v1/snapshots", Map.of("volume", "other", "name", "other.s")).status()).isEqualTo(201);
    NodeProcess.Reply foreign = one.api("POST", "/v1/volumes/rv/restore", Map.of("snapshot", "other.s"));
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.body().get("error").asText()).contains("is of volume other, not of rv");
    assertThat(one.api("POST", "/v1/volumes/rv/restore", Map.of("snapshot", "nope")).status()).isEqualTo(404);
    assertThat(one.api("POST", "/v1/volumes/rv/restore", Map.of()).status()).isEqualTo(400);
    assertThat(sha256Prefix(one, "rv", SIZE)).isEqualTo(changed);

    NodeProcess.Reply restored = one.api("POST", "/v1/volumes/rv/restore", Map.of("snapshot", "rv.before"));
    assertThat(restored.status()).as("%s", restored.body()).isEqualTo(200);
    JsonNode r = restored.body();
    System.out.println("snapshot restore: " + r);
    for (NodeProcess n : cluster.nodes) {
      awaitInSync(n, "rv");
      assertThat(sha256Prefix(n, "rv", SIZE)).as("rv read through %s", n.nodeId()).isEqualTo(before);
    }
    // The MiBs at 0-2 (trimmed), 8-16 (overwritten) and 20 (one block) are written again; those at
    // 48-52 were a hole in the snapshot and are released.
    assertThat(r.get("written_bytes").asLong()).isEqualTo(11 * MIB);
    assertThat(r.get("zeroed_bytes").asLong()).isEqualTo(4 * MIB);
    assertThat(r.get("compared_bytes").asLong()).isEqualTo(SIZE);
    JsonNode attachedOn = one.api("GET", "/v1/volumes/rv", null).body().path("attached_on");
    assertThat(attachedOn.isNull() || attachedOn.isMissingNode()).as("the restore's hold on the volume is released,"
        + " attached_on %s", attachedOn).isTrue();

    // Again: nothing differs, nothing is written.
    JsonNode again = one.api("POST", "/v1/volumes/rv/restore", Map.of("snapshot", "rv.before")).body();
    assertThat(again.get("written_bytes").asLong() + again.get("zeroed_bytes").asLong()).isZero();
    // Hosts attach it again.
    assertThat(one.api("POST", "/v1/volumes/rv/attach", null).status()).isEqualTo(200);
    assertThat(one.api("POST", "/v1/volumes/rv/detach", null).status()).isEqualTo(200);
    // The volume takes writes as before.
    LibnbdScript.run(two, "rv", "h.pwrite(random(4096, 5), 0)");
    assertThat(sha256Prefix(one, "rv", SIZE)).isNotEqualTo(before);
    assertThat(sha256Prefix(two, "rv.before", SIZE)).as("later writes leave the snapshot as it was").isEqualTo(before);
  }

  private static void create(NodeProcess via, String name, int repl) {
    NodeProcess.Reply r = via.api("POST", "/v1/volumes", Map.of("name", name, "size", "64M", "repl", repl));
    assertThat(r.status()).as("create %s: %s", name, r.body()).isEqualTo(201);
  }
}
