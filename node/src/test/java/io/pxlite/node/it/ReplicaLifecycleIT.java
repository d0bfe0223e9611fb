package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.assertReplicasIdentical;
import static io.pxlite.node.it.ReplicaChecks.awaitInSync;
import static io.pxlite.node.it.ReplicaChecks.createInSync;
import static io.pxlite.node.it.ReplicaChecks.sha256Prefix;
import static io.pxlite.node.it.ReplicaChecks.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas rebuilt, added and removed on three real nodes (logs checkpointed and purged every few
 * hundred entries, so replicas the log no longer reaches are rebuilt). First a replica whose node
 * lost all its data is rebuilt, then one that was down while more was written than the others keep of
 * their logs for it (they purge anyway). Then {@code volume ha-update} while a writer keeps writing through NBD: 1 → 2
 * replicas (a new replica rebuilt from a purged log, plus a witness), 2 → 3 (the witness becomes a
 * replica), 3 → 1 (two replicas leave and drop their copies). After each step every acknowledged
 * write is read back through every node, and the replicas are byte-identical. Then a volume's only
 * replica moves to another node while the others' cached records still name the first, and a new
 * volume is created on the node a group moved away from. Then {@code cluster
 * delete} of a node holding a replica, also while writing: the replica is handed to another node first.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReplicaLifecycleIT {
  /** Log a node keeps for members that are behind (the default is 4 GB). */
  private static final int RETENTION_MIB = 24;
  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // Frequent checkpoints and small log segments: the log is purged, so new replicas are rebuilt.
    cluster = LocalCluster.start(dir.resolve("cluster"), 3, "2G",
        i -> List.of("env", "JAVA_TOOL_OPTIONS=-Dpxlite.raft.snapshotEveryEntries=400 -Dpxlite.raft.segmentSize=12MB"
            + " -Dpxlite.raft.checkpointSize=4MB -Dpxlite.raft.logRetention=" + RETENTION_MIB + "MB"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * A replica's node loses all its data (disk replaced: only its identity is kept) while the others
   * write on and purge their logs. Back, it cannot catch up from the log: it is rebuilt from a
   * healthy replica — volume, snapshot and every acknowledged write — and continues from the log.
   */
  @Test
  @org.junit.jupiter.api.Order(0)
  void aWipedReplicaIsRebuiltFromAHealthyOne() throws Exception {
    List<String> replicas = createInSync(cluster.node(1), "wiped", "256M", 3);
    NodeProcess attached = cluster.byId(replicas.get(0));
    NodeProcess victim = cluster.byId(replicas.get(2));
    AckedWriteChecker checker = new AckedWriteChecker(16384);
    long acked;
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "wiped")) {
      // Enough small entries, with every member up, for the group to checkpoint and purge whole log
      // segments (SEGMENT_SIZE each): afterwards the log no longer starts at the beginning.
      acked = checker.runFor(client, 16, Duration.ofSeconds(15));
      victim.kill9();
      victim.wipeKeepingIdentity();
      acked += checker.runFor(client, 16, Duration.ofSeconds(5));
      assertThat(attached.api("POST", "/v1/snapshots", Map.of("volume", "wiped", "name", "wiped-s1")).status())
          .isEqualTo(201);
      acked += checker.runFor(client, 16, Duration.ofSeconds(5));
    }
    String snapshotSum = sha256Prefix(attached, "wiped-s1", 256 << 20);

    victim.start();
    awaitInSync(attached, "wiped");
    // Only a purged log makes the group rebuild a replica instead of sending it the log.
    assertThat(Files.readString(victim.log())).as("the victim's log")
        .containsPattern("rebuilt from \\S+ at log index \\d+");
    try (NbdClient client = NbdClient.connect(victim.nbdSocket(), "wiped")) {
      checker.verify(client);
    }
    System.out.printf("rebuild: %d writes acknowledged while a replica was wiped; it was rebuilt%n", acked);
    assertReplicasIdentical(cluster, "wiped", 256 << 20);
    assertThat(sha256Prefix(victim, "wiped-s1", 256 << 20)).as("the snapshot, read from the rebuilt replica")
        .isEqualTo(snapshotSum);
    // Out of the way of the tests that follow, which need nodes free to take replicas.
    assertThat(victim.api("DELETE", "/v1/snapshots/wiped-s1", null).status()).isEqualTo(204);
    assertThat(victim.api("DELETE", "/v1/volumes/wiped", null).status()).isEqualTo(204);
  }

  /**
   * A replica's node is down (data intact) while far more is written than the others keep of their
   * logs for it: they purge anyway, so their logs stay small, and the replica is rebuilt when it is
   * back instead of catching up from the log.
   */
  @Test
  @org.junit.jupiter.api.Order(1)
  void aReplicaBehindTheLogsRetentionIsRebuilt() throws Exception {
    List<String> replicas = createInSync(cluster.node(1), "behind", "256M", 3);
    NodeProcess attached = cluster.byId(replicas.get(0));
    NodeProcess victim = cluster.byId(replicas.get(2));
    String rebuiltBefore = Files.readString(victim.log());
    AckedWriteChecker checker = new AckedWriteChecker(65536);
    // Checkpoints run every 2 s, and Ratis purges whole segments only.
    long boundMib = RETENTION_MIB + 2L * 12 + 16;
    long away = 0;
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "behind")) {
      checker.runFor(client, 16, Duration.ofSeconds(3));
      victim.kill9();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((away * BlockRecord.SIZE >> 20) < 2 * boundMib && System.nanoTime() < deadline) {
        away += checker.runFor(client, 32, Duration.ofSeconds(5));
      }
    }
    long writtenMib = away * BlockRecord.SIZE >> 20;
    assertThat(writtenMib).as("MiB written while a replica was away (must well exceed the log kept for it)")
        .isGreaterThanOrEqualTo(2 * boundMib);
    for (NodeProcess n : cluster.nodes) {
      if (n != victim) {
        Poll.until(Duration.ofSeconds(20), n.nodeId() + "'s logs to be purged below " + boundMib + " MiB",
            () -> raftLogMib(n) <= boundMib);
      }
    }
    System.out.printf("retention: %d writes (%d MiB) while a replica was away; logs kept: %s MiB%n", away, writtenMib,
        cluster.nodes.stream().filter(n -> n != victim).map(n -> String.valueOf(raftLogMib(n))).toList());

    victim.start();
    awaitInSync(attached, "behind");
    Poll.until(Duration.ofSeconds(30), "the victim to log its rebuild", () -> logOf(victim)
        .substring(rebuiltBefore.length()).matches("(?s).*rebuilt from \\S+ at log index \\d+.*"));
    try (NbdClient client = NbdClient.connect(victim.nbdSocket(), "behind")) {
      checker.verify(client);
    }
    assertReplicasIdentical(cluster, "behind", 256 << 20);
    assertThat(victim.api("DELETE", "/v1/volumes/behind", null).status()).isEqualTo(204);
  }

  /** MiB of Raft log segments a node holds, over all its groups. */
  private static long raftLogMib(NodeProcess n) {
    try (var paths = Files.walk(n.dataDir().resolve("raft"))) {
      return paths.filter(p -> p.getFileName().toString().startsWith("log_")).mapToLong(p -> p.toFile().length()).sum() >> 20;
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // A segment purged while walking: ask again.
      return Long.MAX_VALUE;
    }
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void replicasAreAddedAndRemovedWhileTheVolumeIsWritten() throws Exception {
    NodeProcess via = cluster.node(1);
    NodeProcess.Reply create = via.api("POST", "/v1/volumes", Map.of("name", "ha", "size", "128M", "repl", 1));
    assertThat(create.status()).as("create: %s", create.body()).isEqualTo(201);
    JsonNode created = create.body();
    NodeProcess first = cluster.byId(created.get("replicas").get(0).asText());
    AckedWriteChecker checker = new AckedWriteChecker(16384);
    try (NbdClient client = NbdClient.connect(first.nbdSocket(), "ha")) {
      checker.runFor(client, 16, Duration.ofSeconds(12));
    }

    JsonNode two = haUpdateWhileWriting(checker, first, 2);
    assertThat(texts(two.get("replicas"))).hasSize(2).contains(first.nodeId());
    String witness = two.get("replica_states").findValues("node").stream().map(JsonNode::asText)
        .filter(n -> n.endsWith("(witness)")).findFirst().orElseThrow().replace(" (witness)", "");
    assertThat(texts(two.get("replicas"))).doesNotContain(witness);
    verifyEverywhere(checker);

    JsonNode three = haUpdateWhileWriting(checker, first, 3);
    assertThat(new HashSet<>(texts(three.get("replicas")))).hasSize(3).contains(witness);
    verifyEverywhere(checker);

    JsonNode one = haUpdateWhileWriting(checker, first, 1);
    List<String> kept = texts(one.get("replicas"));
    assertThat(kept).hasSize(1);
    for (NodeProcess n : cluster.nodes) {
      if (!kept.contains(n.nodeId())) {
        Poll.until(Duration.ofSeconds(30), n.nodeId() + " to drop its copy of ha", () -> logOf(n).contains(
            "this node left the group; dropped its volumes"));
      }
    }
    verifyEverywhere(checker);
    assertThat(checker.failedWrites()).as("writes that failed while replicas came and went").isZero();
    // Gone, so that later volumes on its node get a group of their own (a shared group cannot be lowered).
    assertThat(first.api("DELETE", "/v1/volumes/ha", null).status()).isEqualTo(204);
  }

  /**
   * A node's cached volume records miss changes made through other nodes. Here every node cached the
   * volume on its first replica alone; then, through another node, the replica moved away entirely
   * ({@code ha-update --node}: added there, removed from the first). Attaching through any node must
   * follow the group where it went: not ask the member that left, and never let the first replica
   * form a group of one again from its stale record, which would acknowledge writes nobody else sees.
   */
  @Test
  @org.junit.jupiter.api.Order(3)
  void aVolumeWhoseReplicaMovedAwayIsServedThroughEveryNodeDespiteStaleCaches() throws Exception {
    String original = texts(ReplicaChecks.create(cluster.node(1), "moved", "64M", 1).get("replicas")).get(0);
    for (NodeProcess n : cluster.nodes) {
      assertThat(n.api("GET", "/v1/volumes/moved", null).status()).as("cached on %s", n.nodeId()).isEqualTo(200);
    }
    AckedWriteChecker checker = new AckedWriteChecker(4096);
    try (NbdClient client = NbdClient.connect(cluster.byId(original).nbdSocket(), "moved")) {
      checker.runFor(client, 8, Duration.ofSeconds(3));
    }
    NodeProcess operator = cluster.nodes.stream().filter(n -> !n.nodeId().equals(original)).findFirst().orElseThrow();
    String leftBefore = logOf(cluster.byId(original));
    NodeProcess.Reply added = operator.api("PATCH", "/v1/volumes/moved",
        Map.of("repl", 2, "node", operator.nodeId()), Duration.ofMinutes(2));
    assertThat(added.status()).as("ha-update --repl 2 --node: %s", added.body()).isEqualTo(200);
    assertThat(texts(added.body().get("replicas"))).containsExactly(original, operator.nodeId());
    awaitInSync(operator, "moved");
    NodeProcess.Reply removed = operator.api("PATCH", "/v1/volumes/moved",
        Map.of("repl", 1, "node", original), Duration.ofMinutes(2));
    assertThat(removed.status()).as("ha-update --repl 1 --node: %s", removed.body()).isEqualTo(200);
    assertThat(texts(removed.body().get("replicas"))).containsExactly(operator.nodeId());
    Poll.until(Duration.ofSeconds(30), original + " to drop its copy of moved", () -> logOf(cluster.byId(original))
        .substring(leftBefore.length()).contains("this node left the group; dropped its volumes"));

    for (NodeProcess n : cluster.nodes) {
      try (NbdClient client = NbdClient.connect(n.nbdSocket(), "moved")) {
        checker.verify(client);
        checker.runFor(client, 8, Duration.ofSeconds(2));
      } catch (java.io.IOException | java.util.concurrent.ExecutionException e) {
        throw new AssertionError("moved through " + n.nodeId() + " failed: " + e + "\n" + n.logTail(), e);
      }
    }
    try (NbdClient client = NbdClient.connect(operator.nbdSocket(), "moved")) {
      checker.verify(client);
    }
    assertThat(checker.failedWrites()).isZero();
    assertThat(operator.api("DELETE", "/v1/volumes/moved", null).status()).isEqualTo(204);
  }

  /**
   * A group keeps its id when ha-update moves it to other nodes. A volume created afterwards on the
   * group's first member ({@code nodes}) must get a group of its own: under the moved group's id its
   * create would go into the moved group, and the node its record names would form a second, empty
   * group under the same id.
   */
  @Test
  @org.junit.jupiter.api.Order(4)
  void aVolumeCreatedWhereAGroupMovedAwayFromGetsAGroupOfItsOwn() throws Exception {
    NodeProcess first = cluster.node(1);
    NodeProcess second = cluster.node(2);
    NodeProcess.Reply wanderer = first.api("POST", "/v1/volumes",
        Map.of("name", "wanderer", "size", "64M", "repl", 1, "nodes", first.nodeId()));
    assertThat(wanderer.status()).as("create wanderer: %s", wanderer.body()).isEqualTo(201);
    assertThat(texts(wanderer.body().get("replicas"))).containsExactly(first.nodeId());
    AckedWriteChecker wandererWrites = new AckedWriteChecker(2048);
    try (NbdClient client = NbdClient.connect(first.nbdSocket(), "wanderer")) {
      wandererWrites.runFor(client, 8, Duration.ofSeconds(2));
    }
    String leftBefore = logOf(first);
    assertThat(second.api("PATCH", "/v1/volumes/wanderer", Map.of("repl", 2, "node", second.nodeId()),
        Duration.ofMinutes(2)).status()).isEqualTo(200);
    awaitInSync(second, "wanderer");
    assertThat(second.api("PATCH", "/v1/volumes/wanderer", Map.of("repl", 1, "node", first.nodeId()),
        Duration.ofMinutes(2)).status()).isEqualTo(200);
    Poll.until(Duration.ofSeconds(30), first.nodeId() + " to leave wanderer's group", () -> logOf(first)
        .substring(leftBefore.length()).contains("this node left the group; dropped its volumes"));

    NodeProcess.Reply newcomer = second.api("POST", "/v1/volumes",
        Map.of("name", "newcomer", "size", "64M", "repl", 1, "nodes", first.nodeId()));
    assertThat(newcomer.status()).as("create newcomer: %s", newcomer.body()).isEqualTo(201);
    assertThat(texts(newcomer.body().get("replicas"))).containsExactly(first.nodeId());
    assertThat(newcomer.body().get("replica_group").asText()).as("newcomer's group")
        .isNotEqualTo(wanderer.body().get("replica_group").asText());
    AckedWriteChecker newcomerWrites = new AckedWriteChecker(2048);
    try (NbdClient client = NbdClient.connect(first.nbdSocket(), "newcomer")) {
      newcomerWrites.runFor(client, 8, Duration.ofSeconds(2));
    }
    for (NodeProcess n : cluster.nodes) {
      try (NbdClient client = NbdClient.connect(n.nbdSocket(), "newcomer")) {
        newcomerWrites.verify(client);
      }
      try (NbdClient client = NbdClient.connect(n.nbdSocket(), "wanderer")) {
        wandererWrites.verify(client);
      }
    }
    assertThat(newcomerWrites.failedWrites() + wandererWrites.failedWrites()).isZero();
    assertThat(second.api("DELETE", "/v1/volumes/newcomer", null).status()).isEqualTo(204);
    assertThat(second.api("DELETE", "/v1/volumes/wanderer", null).status()).isEqualTo(204);
  }

  @Test
  @org.junit.jupiter.api.Order(5)
  void aDeletedNodeHandsItsReplicaToAnotherFirst() throws Exception {
    NodeProcess.Reply create = cluster.node(1).api("POST", "/v1/volumes", Map.of("name", "moving", "size", "64M", "repl", 2));
    assertThat(create.status()).as("create: %s", create.body()).isEqualTo(201);
    List<String> replicas = texts(create.body().get("replicas"));
    NodeProcess leaving = cluster.byId(replicas.get(0));
    NodeProcess staying = cluster.byId(replicas.get(1));
    AckedWriteChecker checker = new AckedWriteChecker(8192);
    try (NbdClient client = NbdClient.connect(staying.nbdSocket(), "moving")) {
      checker.runFor(client, 16, Duration.ofSeconds(8));
    }
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
      try (NbdClient client = NbdClient.connect(staying.nbdSocket(), "moving")) {
        return checker.runUntil(() -> client, 16, stop::get, Duration.ofSeconds(60));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    NodeProcess.Reply reply;
    try {
      reply = staying.api("DELETE", "/v1/cluster/nodes/" + leaving.nodeId(), null, Duration.ofMinutes(5));
    } finally {
      stop.set(true);
    }
    writer.get(2, TimeUnit.MINUTES);
    assertThat(reply.status()).as("cluster delete: %s", reply.body()).isEqualTo(204);

    JsonNode volume = staying.api("GET", "/v1/volumes/moving", null).body();
    List<String> now = texts(volume.get("replicas"));
    assertThat(now).hasSize(2).doesNotContain(leaving.nodeId()).contains(staying.nodeId());
    List<String> listed = new ArrayList<>();
    staying.api("GET", "/v1/cluster/nodes", null).body().forEach(n -> listed.add(n.get("id").asText()));
    assertThat(listed).doesNotContain(leaving.nodeId());
    Poll.until(Duration.ofSeconds(30), "the deleted node to drop its copy and stay out", () -> {
      String log = logOf(leaving);
      return log.contains("this node left the group; dropped its volumes") && log.contains("was removed from the cluster");
    });
    assertThat(staying.api("GET", "/v1/cluster/nodes", null).body().size()).as("it does not register again").isEqualTo(2);
    for (String id : now) {
      try (NbdClient client = NbdClient.connect(cluster.byId(id).nbdSocket(), "moving")) {
        checker.verify(client);
      }
    }
    assertThat(checker.failedWrites()).isZero();
  }

  /** Changes the replication while a writer runs on {@code attached}; returns the volume once every replica is in sync. */
  private static JsonNode haUpdateWhileWriting(AckedWriteChecker checker, NodeProcess attached, int repl) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
      try {
        return checker.runUntil(() -> {
          try {
            return NbdClient.connect(attached.nbdSocket(), "ha");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, 16, stop::get, Duration.ofSeconds(60));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      long before = checker.acknowledged();
      Poll.until(Duration.ofSeconds(30), "the writer to get going", () -> checker.acknowledged() > before + 100);
      long started = System.nanoTime();
      NodeProcess.Reply reply = cluster.node(2).api("PATCH", "/v1/volumes/ha", Map.of("repl", repl), Duration.ofMinutes(5));
      assertThat(reply.status()).as("ha-update to %d: %s", repl, reply.body()).isEqualTo(200);
      System.out.printf("ha-update to repl %d took %d ms while writing%n", repl,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      long during = checker.acknowledged();
      Poll.until(Duration.ofSeconds(30), "writes after the change", () -> checker.acknowledged() > during + 100);
    } finally {
      stop.set(true);
    }
    writer.get(2, TimeUnit.MINUTES);
    java.util.concurrent.atomic.AtomicReference<JsonNode> seen = new java.util.concurrent.atomic.AtomicReference<>();
    Poll.until(Duration.ofSeconds(120), "every replica of ha in sync", () -> {
      NodeProcess.Reply r = cluster.node(3).api("GET", "/v1/volumes/ha", null);
      if (r.status() != 200 || r.body().get("repl").asInt() != repl) {
        return false;
      }
      for (JsonNode s : r.body().get("replica_states")) {
        if (!s.get("state").asText().equals("in sync")) {
          return false;
        }
      }
      seen.set(r.body());
      return true;
    });
    return seen.get();
  }

  private static String logOf(NodeProcess n) {
    try {
      return Files.readString(n.log());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every acknowledged write, read through every node (replicas from their own store); all identical. */
  private static void verifyEverywhere(AckedWriteChecker checker) throws Exception {
    for (NodeProcess n : cluster.nodes) {
      try (NbdClient client = NbdClient.connect(n.nbdSocket(), "ha")) {
        checker.verify(client);
      } catch (java.util.concurrent.ExecutionException | java.io.IOException e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
        throw new AssertionError("reading ha back through " + n.nodeId() + " (" + n.address() + ") failed: "
            + cause + "\n" + n.logTail(), e);
      }
    }
    assertReplicasIdentical(cluster, "ha", 128 << 20);
  }
}
