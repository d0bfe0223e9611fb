package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.awaitInSync;
import static io.pxlite.node.it.ReplicaChecks.sha256Prefix;
import static io.pxlite.node.it.ReplicaChecks.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pxctl volume clone}, on three nodes: a clone of a repl-3 volume's snapshot, and one of the
 * live volume, are repl 3 and read byte for byte as their source did on every replica; clone, source
 * and snapshot then take writes without touching each other, and the source and its snapshot can be
 * deleted while the clones keep their data. Bad clones are refused clearly and leave nothing behind.
 */
class CloneIT {
  private static final long SIZE = 64L << 20;

  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("cluster"), 3);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clonesOfASnapshotAndOfALiveVolumeReadAsTheirSourceOnEveryReplicaAndGoTheirOwnWay() throws Exception {
    NodeProcess one = cluster.node(1);
    NodeProcess two = cluster.node(2);
    create(one, Map.of("name", "src", "size", "64M", "repl", 3, "io_priority", "high"));
    awaitInSync(one, "src");
    // 24 MiB of data, a hole, then 4 KiB at 40 MiB; then the snapshot.
    LibnbdScript.run(one, "src", "h.pwrite(random(24 << 20, 1), 0); h.pwrite(random(4096, 2), 40 << 20)");
    assertThat(one.api("POST", "/v1/snapshots", Map.of("volume", "src", "name", "src.s1")).status()).isEqualTo(201);
    String atSnapshot = sha256Prefix(one, "src.s1", SIZE);

    NodeProcess.Reply fromSnapshot = two.api("POST", "/v1/volumes/src.s1/clone", Map.of("name", "c1"));
    assertThat(fromSnapshot.status()).as("%s", fromSnapshot.body()).isEqualTo(201);
    JsonNode c1 = fromSnapshot.body();
    System.out.println("clone of a snapshot: " + c1);
    assertThat(c1.get("repl").asInt()).isEqualTo(3);
    assertThat(new HashSet<>(texts(c1.get("replicas")))).hasSize(3);
    assertThat(c1.get("size_bytes").asLong()).isEqualTo(SIZE);
    assertThat(c1.get("io_priority").asText()).as("the clone takes its source's policy").isEqualTo("high");
    assertThat(c1.get("state").asText()).as("done: no longer held for the copy").isEqualTo("detached");
    assertReadsOnEveryNode("c1", atSnapshot);

    // The live volume changes, then is cloned as it is now.
    LibnbdScript.run(one, "src", "h.pwrite(random(8 << 20, 3), 16 << 20); h.trim(1 << 20, 0); h.pwrite(random(4096, 4), 60 << 20)");
    String live = sha256Prefix(one, "src", SIZE);
    assertThat(live).isNotEqualTo(atSnapshot);
    NodeProcess.Reply fromVolume = one.api("POST", "/v1/volumes/src/clone", Map.of("name", "c2"));
    assertThat(fromVolume.status()).as("%s", fromVolume.body()).isEqualTo(201);
    assertThat(fromVolume.body().get("repl").asInt()).isEqualTo(3);
    assertReadsOnEveryNode("c2", live);
    assertThat(names(one.api("GET", "/v1/snapshots?volume=src", null).body()))
        .as("the snapshot a live clone copies from is gone once it is done").containsExactly("src.s1");

    // Independent: writes to each leave the others as they were.
    LibnbdScript.run(two, "c1", "h.pwrite(random(1 << 20, 5), 0)");
    LibnbdScript.run(one, "src", "h.pwrite(random(1 << 20, 6), 32 << 20)");
    String c1Changed = sha256Prefix(one, "c1", SIZE);
    String srcChanged = sha256Prefix(two, "src", SIZE);
    assertThat(c1Changed).isNotEqualTo(atSnapshot);
    assertThat(srcChanged).isNotEqualTo(live);
    assertThat(sha256Prefix(one, "src.s1", SIZE)).as("the snapshot after writes to its clone").isEqualTo(atSnapshot);
    assertReadsOnEveryNode("c2", live);

    // The source and its snapshot go; the clones keep their data.
    assertThat(one.api("DELETE", "/v1/snapshots/src.s1", null).status()).isEqualTo(204);
    assertThat(one.api("DELETE", "/v1/volumes/src", null).status()).isEqualTo(204);
    assertReadsOnEveryNode("c1", c1Changed);
    assertReadsOnEveryNode("c2", live);
    // A clone is a volume like any other: attached by a host, snapshotted, cloned again.
    assertThat(one.api("POST", "/v1/volumes/c2/attach", null).status()).isEqualTo(200);
    assertThat(one.api("POST", "/v1/volumes/c2/detach", null).status()).isEqualTo(200);
    NodeProcess.Reply again = cluster.node(3).api("POST", "/v1/volumes/c2/clone", Map.of("name", "c3"));
    assertThat(again.status()).as("%s", again.body()).isEqualTo(201);
    assertThat(sha256Prefix(cluster.node(3), "c3", SIZE)).isEqualTo(live);
  }

  @Test
  void badClonesAreRefusedClearlyAndLeaveNothingBehind() {
    NodeProcess one = cluster.node(1);
    create(one, Map.of("name", "keep", "size", "64M", "repl", 1, "nodes", one.nodeId()));
    LibnbdScript.run(one, "keep", "h.pwrite(random(2 << 20, 7), 0)");
    String keep = sha256Prefix(one, "keep", SIZE);
    List<String> before = names(one.api("GET", "/v1/volumes", null).body());

    NodeProcess.Reply missing = one.api("POST", "/v1/volumes/nope/clone", Map.of("name", "x1"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().get("error").asText()).contains("no volume or snapshot 'nope'");
    NodeProcess.Reply taken = one.api("POST", "/v1/volumes/keep/clone", Map.of("name", "keep"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.body().get("error").asText()).contains("'keep' already exists");
    assertThat(one.api("POST", "/v1/volumes/keep/clone", Map.of()).status()).isEqualTo(400);
    NodeProcess.Reply badName = one.api("POST", "/v1/volumes/keep/clone", Map.of("name", "no/slash"));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.body().get("error").asText()).contains("not a valid volume name");
    // Through a node without a replica of the source: told where to go.
    NodeProcess.Reply elsewhere = cluster.node(2).api("POST", "/v1/volumes/keep/clone", Map.of("name", "x2"));
    assertThat(elsewhere.status()).isEqualTo(409);
    assertThat(elsewhere.body().get("error").asText()).contains("holds no replica of keep").contains(one.nodeId());

    assertThat(names(one.api("GET", "/v1/volumes", null).body())).as("refused clones leave no volume")
        .isEqualTo(before);
    assertThat(names(one.api("GET", "/v1/snapshots?volume=keep", null).body())).isEmpty();
    assertThat(sha256Prefix(one, "keep", SIZE)).as("the source is untouched").isEqualTo(keep);
  }

  /**
   * The node copying a clone is killed mid-copy: after its restart the clone shows as {@code cloning}
   * (held, not released like an attachment), no host may attach it, and it and the snapshot it was
   * copied from can be deleted, leaving the source as it was.
   */
  @Test
  void aCloneCutShortByACrashStaysHeldUntilDeletedAndTheSourceIsUntouched() throws Exception {
    NodeProcess three = cluster.node(3);
    create(three, Map.of("name", "bulk", "size", "512M", "repl", 1, "nodes", three.nodeId()));
    // 384 MiB of data, so the copy runs for seconds.
    LibnbdScript.run(three, "bulk", "for i in range(96): h.pwrite(random(4 << 20, i), i << 22)");
    String bulk = sha256Prefix(three, "bulk", 512L << 20);

    java.util.concurrent.CompletableFuture<NodeProcess.Reply> cloning = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> three.api("POST", "/v1/volumes/bulk/clone", Map.of("name", "cut")));
    Poll.until(Duration.ofSeconds(60), "the clone cut to be copied", () -> {
      NodeProcess.Reply r = cluster.node(1).api("GET", "/v1/volumes/cut", null);
      return r.status() == 200 && r.body().get("state").asText().equals("cloning");
    });
    three.kill9();
    assertThat(cloning.handle((reply, failure) -> reply == null ? "no reply" : reply.status() + " " + reply.body()).get())
        .as("the clone must be cut short by the kill, not finish first").doesNotStartWith("201");
    three.start();

    JsonNode cut = Poll.succeeds(Duration.ofSeconds(60), "the cut clone listed", () -> {
      NodeProcess.Reply r = three.api("GET", "/v1/volumes/cut", null);
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    });
    assertThat(cut.get("state").asText()).as("%s", cut).isEqualTo("cloning");
    assertThat(cut.get("attached_on").asText()).isEqualTo(three.nodeId());
    NodeProcess.Reply attach = three.api("POST", "/v1/volumes/cut/attach", null);
    assertThat(attach.status()).as("%s", attach.body()).isEqualTo(409);
    assertThat(attach.body().get("error").asText()).contains("clone still being copied").contains("cut short");

    assertThat(three.api("DELETE", "/v1/volumes/cut", null).status()).isEqualTo(204);
    JsonNode left = three.api("GET", "/v1/snapshots?volume=bulk", null).body();
    assertThat(names(left)).as("the snapshot the cut clone copied from").containsExactly("cut.clone-source");
    assertThat(left.get(0).get("creator").asText()).isEqualTo("clone");
    assertThat(three.api("DELETE", "/v1/snapshots/cut.clone-source", null).status()).isEqualTo(204);
    assertThat(sha256Prefix(three, "bulk", 512L << 20)).as("the source after it all").isEqualTo(bulk);
    assertThat(three.api("DELETE", "/v1/volumes/bulk", null).status()).isEqualTo(204);
  }

  private static void assertReadsOnEveryNode(String volume, String sha) {
    for (NodeProcess n : cluster.nodes) {
      awaitInSync(n, volume);
      assertThat(sha256Prefix(n, volume, SIZE)).as("%s read through %s", volume, n.nodeId()).isEqualTo(sha);
    }
  }

  private static void create(NodeProcess via, Map<String, Object> spec) {
    NodeProcess.Reply r = via.api("POST", "/v1/volumes", spec);
    assertThat(r.status()).as("create %s: %s", spec, r.body()).isEqualTo(201);
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(v -> out.add(v.get("name").asText()));
    return out;
  }
}
