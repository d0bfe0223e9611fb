package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.node.it.AckedWriteChecker;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A failing disk: node 3's device (its {@code dev0.img} is a link to a raw {@link FaultyDisk#failing}
 * disk) starts returning EIO at run time, first for reads, then for writes, while its Raft log and
 * index stay on a healthy disk — a data disk going bad under a node that keeps running.
 *
 * <p>Reads that fail on the device are served from another replica. Writes that fail make the
 * node's store fail: its replicas turn unhealthy, give up leading, and the groups go on with their
 * healthy members — a client writing through the failing node itself sees no error, and the node
 * reads through the group from then on. {@code status} and {@code volume inspect} name the device,
 * and {@code ha-update} moves the replica off the node. Every acknowledged write is verified on every
 * node at the end.
 */
@ExtendWith(ChaosSummary.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFaultIT {
  private static final Duration LEADERSHIP = Duration.ofSeconds(45);
  private static final Duration HANDOFF = Duration.ofSeconds(30);

  private static FaultyDisk disk;
  private static ChaosCluster cluster;
  private static NodeProcess failing;

  @BeforeAll
  static void start() throws Exception {
    try {
      disk = FaultyDisk.failing(ChaosCluster.dirOf("diskfault-disk"), "256M");
      Path storage3 = ChaosCluster.dirOf("diskfault-node3");
      ChaosCluster.deleteTree(storage3);
      Files.createDirectories(storage3);
      Files.createSymbolicLink(storage3.resolve("dev0.img"), disk.file());
      cluster = ChaosCluster.start("diskfault", "256M",
          i -> i == 3 ? storage3 : ChaosCluster.dirOf("diskfault").resolve("storage" + i));
      cluster.awaitAllOnline(Duration.ofSeconds(90));
      failing = cluster.node(3);
    } catch (Exception | AssertionError e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  @Order(1)
  @DisplayName("failing disk: reads fail under the leader")
  void readsThatFailOnTheDeviceAreServedByAnotherReplica() throws Exception {
    String volume = "df-read";
    cluster.create(cluster.node(1), volume, "32M", 3);
    cluster.leadOn(volume, failing, LEADERSHIP);
    AckedWriteChecker checker = new AckedWriteChecker(2_048);
    try (NbdClient c = cluster.connect(failing, volume)) {
      checker.runFor(c, 8, Duration.ofSeconds(4));
    }
    ChaosSummary.row().acked(checker.acknowledged());
    cluster.awaitInSync(cluster.node(1), volume);
    String logBefore = logOf(failing);

    disk.failReads(true);
    ChaosSummary.row().injected(1);
    try (NbdClient c = cluster.connect(failing, volume)) {
      AckedWriteChecker.Verification v = checker.check(c);
      ChaosSummary.row().verified(v.bytesVerified(), v.bad());
      assertThat(v.clean()).as("%s read through %s while its device fails every read: %s", volume, failing.address(),
          v.problems()).isTrue();
    } finally {
      disk.failReads(false);
    }
    assertThat(logOf(failing).substring(logBefore.length()))
        .as("node 3's log: its reads failed on the device and another replica served them")
        .contains("served them from replica");
    assertThat(cluster.status(failing).path("health").asText())
        .as("a read error alone fails no store").isEqualTo("healthy");
    ChaosSummary.step("%s: %d acknowledged writes read back through %s, its device failing every read",
        volume, checker.acknowledged(), failing.address());
    // The next scenario's repl-3 volume gets this group to itself, so that ha-update may lower it.
    assertThat(cluster.node(1).api("DELETE", "/v1/volumes/" + volume, null).status()).as("delete %s", volume)
        .isEqualTo(204);
  }

  @Test
  @Order(2)
  @DisplayName("failing disk: writes fail under two groups' leader")
  void writesGoOnWithTheHealthyReplicasAndTheReplicaMovesAway() throws Exception {
    String three = "df-3";
    String two = "df-2";
    cluster.create(cluster.node(1), three, "32M", 3);
    NodeProcess.Reply r = cluster.node(2).api("POST", "/v1/volumes", Map.of("name", two, "size", "32M", "repl", 2,
        "nodes", cluster.node(2).nodeId() + "," + failing.nodeId()));
    assertThat(r.status()).as("create %s: %s", two, r.body()).isEqualTo(201);
    cluster.leadOn(three, failing, LEADERSHIP);
    cluster.leadOn(two, failing, LEADERSHIP);

    // Both written through the failing node: the container there must not notice its disk dying.
    try (BackgroundWriter w3 = new BackgroundWriter(2_048, cluster.connector(three, List.of(failing)), 8, HANDOFF);
         BackgroundWriter w2 = new BackgroundWriter(2_048, cluster.connector(two, List.of(failing)), 8, HANDOFF)) {
      w3.awaitMoreAcks(300, Duration.ofSeconds(60), "before the fault, " + three);
      w2.awaitMoreAcks(300, Duration.ofSeconds(60), "before the fault, " + two);
      long faultAt = System.nanoTime();
      disk.failWrites(true);
      ChaosSummary.row().injected(1);
      ChaosSummary.step("writes to %s's device fail with EIO from now on", failing.address());

      String device = failing.device().toString();
      Poll.until(HANDOFF, failing.address() + "'s status to name its failed device", () ->
          cluster.status(failing).path("health").asText().contains("device " + device));
      NodeProcess lead3 = cluster.awaitLeaderOtherThan(cluster.node(1), three, failing, HANDOFF);
      NodeProcess lead2 = cluster.awaitLeaderOtherThan(cluster.node(2), two, failing, HANDOFF);
      ChaosSummary.step("%s failed its store (%s); leaders now %s (%s) and %s (%s); the fault came at %s",
          failing.address(), cluster.status(failing).path("health").asText(), lead3.address(), three, lead2.address(),
          two, ChaosSummary.when(faultAt));

      w3.awaitMoreAcks(500, Duration.ofSeconds(60), "after the fault, " + three);
      w2.awaitMoreAcks(500, Duration.ofSeconds(60), "after the fault, " + two);
      Poll.until(HANDOFF, "volume inspect of " + three + " to show " + failing.address() + "'s replica unhealthy", () ->
          replicaState(three, failing).path("state").asText().equals("unhealthy"));
      assertThat(replicaState(three, failing).path("reason").asText()).as("why the replica is unhealthy")
          .contains(device);
      assertThat(replicaState(two, failing).path("state").asText()).isEqualTo("unhealthy");

      disk.failReads(true);
      w3.awaitMoreAcks(300, Duration.ofSeconds(60), "reads failing too, " + three);
      long acked3 = w3.stop();
      long acked2 = w2.stop();
      assertThat(w3.checker.failedWrites()).as("writes to %s that failed (%s)", three, w3.checker.failureKinds())
          .isZero();
      assertThat(w2.checker.failedWrites()).as("writes to %s that failed (%s)", two, w2.checker.failureKinds())
          .isZero();
      ChaosSummary.step("%d writes to %s and %d to %s acknowledged through %s, none failed", acked3, three, acked2, two,
          failing.address());

      NodeProcess.Reply moved = cluster.node(1).api("PATCH", "/v1/volumes/" + three,
          Map.of("repl", 2, "node", failing.nodeId()), Duration.ofMinutes(2));
      assertThat(moved.status()).as("ha-update --repl 2 --node %s %s: %s", failing.nodeId(), three, moved.body())
          .isEqualTo(200);
      assertThat(texts(moved.body().get("replicas"))).doesNotContain(failing.nodeId()).hasSize(2);
      cluster.awaitInSync(cluster.node(1), three);
      ChaosSummary.step("ha-update moved %s's replica off %s: replicas %s", three, failing.address(),
          texts(moved.body().get("replicas")));

      cluster.verifyOnEveryNode(w3.checker, three);
      cluster.verifyOnEveryNode(w2.checker, two);
    } finally {
      disk.failReads(false);
    }
  }

  private static JsonNode replicaState(String volume, NodeProcess member) {
    for (JsonNode s : cluster.inspect(cluster.node(1), volume).path("replica_states")) {
      if (s.path("node").asText().equals(member.nodeId())) {
        return s;
      }
    }
    throw new AssertionError(member.nodeId() + " holds no replica of " + volume);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String logOf(NodeProcess n) throws java.io.IOException {
    return Files.readString(n.log());
  }
}
