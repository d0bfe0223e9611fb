package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
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
 * Four real nodes on 127.0.0.1-4 with one etcd: volumes replicated synchronously on three of them,
 * served from any node (also the one without a replica), surviving the loss of the group's leader
 * and a replica that was away.
 */
class ReplicationIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(120);
  private static final int SNAPSHOT_EVERY_ENTRIES = 400;
  private static final String SEGMENT_SIZE = "12MB";
  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // Snapshots (and so log purges) every few hundred entries instead of 50,000: a replica wiped while
    // the others write then finds the log no longer reaching back to it, and must be rebuilt.
    cluster = LocalCluster.start(dir.resolve("cluster"), 4, "2G",
        i -> List.of("env", "JAVA_TOOL_OPTIONS=-Dpxlite.raft.snapshotEveryEntries=" + SNAPSHOT_EVERY_ENTRIES
            + " -Dpxlite.raft.segmentSize=" + SEGMENT_SIZE));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRepl3VolumeHasTheSameBytesOnEveryNode() throws Exception {
    JsonNode created = create(cluster.node(1), "r3", "256M", 3);
    assertThat(new HashSet<>(texts(created.get("replicas")))).hasSize(3);
    awaitInSync(cluster.node(1), "r3");
    Path data = dir.resolve("r3.bin");
    Files.write(data, random(32 << 20));
    Cmd.run(Duration.ofMinutes(2), "nbdcopy", data.toString(), cluster.node(1).nbdUri("r3")).ok();
    String expected = Cmd.run(Duration.ofSeconds(30), "sha256sum", data.toString()).ok().output().substring(0, 64);
    for (NodeProcess n : cluster.nodes) {
      assertThat(sha256Prefix(n, "r3", 32 << 20)).as("the first 32 MiB read through node %s", n.nodeId())
          .isEqualTo(expected);
    }
    JsonNode inspect = cluster.node(2).api("GET", "/v1/volumes/r3", null).body();
    assertThat(inspect.get("group_leader").asText()).isIn(texts(created.get("replicas")));
    assertThat(inspect.get("replica_states")).hasSize(3);
  }

  @Test
  void aVolumeIsServedByANodeThatHoldsNoReplica() throws Exception {
    JsonNode created = create(cluster.node(1), "far", "64M", 1);
    String holder = created.get("replicas").get(0).asText();
    NodeProcess elsewhere = cluster.nodes.stream().filter(n -> !n.nodeId().equals(holder)).findFirst().orElseThrow();
    Path data = dir.resolve("far.bin");
    Files.write(data, random(16 << 20));
    Cmd.run(Duration.ofMinutes(2), "nbdcopy", data.toString(), elsewhere.nbdUri("far")).ok();
    String expected = Cmd.run(Duration.ofSeconds(30), "sha256sum", data.toString()).ok().output().substring(0, 64);
    assertThat(sha256Prefix(elsewhere, "far", 16 << 20)).isEqualTo(expected);
    assertThat(sha256Prefix(cluster.byId(holder), "far", 16 << 20)).isEqualTo(expected);
    assertThat(elsewhere.api("GET", "/v1/volumes/far", null).body().get("status").asText()).isEqualTo("up");
  }

  @Test
  void replicationIsBoundedByTheNodesOnline() {
    NodeProcess.Reply reply = cluster.node(1).api("POST", "/v1/volumes", Map.of("name", "r5", "size", "64M", "repl", 5));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("error").asText()).contains("repl 5 needs 5 nodes").contains("4 online");
  }

  /**
   * Attached on the node without a replica: leadership does not follow the attachment there, so the
   * leader can be killed while the NBD server writing to it lives on.
   */
  @Test
  void killingTheLeaderLosesNoAcknowledgedWriteAndWritesResume() throws Exception {
    JsonNode created = create(cluster.node(1), "lead", "256M", 3);
    awaitInSync(cluster.node(1), "lead");
    List<String> replicas = texts(created.get("replicas"));
    NodeProcess attached = cluster.nodes.stream().filter(n -> !replicas.contains(n.nodeId())).findFirst().orElseThrow();
    NodeProcess leader = cluster.byId(leaderOf("lead"));
    AckedWriteChecker checker = new AckedWriteChecker(16384);
    long acked;
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "lead")) {
      acked = checker.run(client, 32, 20_000, 2_000, leader::kill9);
      System.out.printf("leader kill: %d writes acknowledged; longest wait between acknowledgements %d ms%n",
          acked, checker.longestAckGapMillis());
      assertThat(checker.longestAckGapMillis()).as("longest stall after the leader died (ms)").isLessThan(15_000);
      checker.verify(client);
    }
    assertThat(acked).isEqualTo(20_000);
    leader.start();
    awaitInSync(attached, "lead");
    assertReplicasIdentical("lead", 256 << 20);
  }

  @Test
  void aReplicaAwayFor60SecondsOfWritesCatchesUpByItself() throws Exception {
    create(cluster.node(1), "away", "256M", 3);
    awaitInSync(cluster.node(1), "away");
    List<String> replicas = texts(cluster.node(1).api("GET", "/v1/volumes/away", null).body().get("replicas"));
    NodeProcess attached = cluster.byId(replicas.get(0));
    NodeProcess away = cluster.byId(replicas.get(1));
    away.kill9();
    AckedWriteChecker checker = new AckedWriteChecker(16384);
    long acked;
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "away")) {
      acked = checker.runFor(client, 16, Duration.ofSeconds(60));
    }
    away.start();
    awaitInSync(attached, "away");
    try (NbdClient client = NbdClient.connect(away.nbdSocket(), "away")) {
      checker.verify(client);
    }
    System.out.printf("catch-up: %d writes acknowledged while a replica was away 60 s; it caught up%n", acked);
    assertReplicasIdentical("away", 256 << 20);
  }

  /**
   * A replica's node loses all its data (disk replaced: only its identity is kept) while the others
   * write on and purge their logs. Back, it cannot catch up from the log: it is rebuilt from a
   * healthy replica — volume, snapshot and every acknowledged write — and continues from the log.
   */
  @Test
  void aWipedReplicaIsRebuiltFromAHealthyOne() throws Exception {
    create(cluster.node(1), "wiped", "256M", 3);
    awaitInSync(cluster.node(1), "wiped");
    List<String> replicas = texts(cluster.node(1).api("GET", "/v1/volumes/wiped", null).body().get("replicas"));
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
    assertReplicasIdentical("wiped", 256 << 20);
    assertThat(sha256Prefix(victim, "wiped-s1", 256 << 20)).as("the snapshot, read from the rebuilt replica")
        .isEqualTo(snapshotSum);
  }

  @Test
  void aTwoReplicaVolumeKeepsWritingWithEitherReplicaDown() throws Exception {
    JsonNode created = create(cluster.node(1), "pair", "128M", 2);
    List<String> replicas = texts(created.get("replicas"));
    NodeProcess witness = cluster.byId(cluster.node(1).api("GET", "/v1/volumes/pair", null).body()
        .get("replica_states").get(2).get("node").asText().replace(" (witness)", ""));
    assertThat(replicas).doesNotContain(witness.nodeId());
    awaitInSync(cluster.node(1), "pair");
    NodeProcess attached = cluster.nodes.stream()
        .filter(n -> !replicas.contains(n.nodeId()) && n != witness).findFirst().orElseThrow();
    AckedWriteChecker checker = new AckedWriteChecker(8192);
    for (String down : replicas) {
      NodeProcess replica = cluster.byId(down);
      replica.kill9();
      try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "pair")) {
        assertThat(checker.run(client, 16, 3_000, Long.MAX_VALUE, () -> { })).isEqualTo(3_000);
        checker.verify(client);
      }
      replica.start();
      awaitInSync(attached, "pair");
    }
    for (String replica : replicas) {
      try (NbdClient client = NbdClient.connect(cluster.byId(replica).nbdSocket(), "pair")) {
        checker.verify(client);
      }
    }
    assertThat(sha256Prefix(cluster.byId(replicas.get(0)), "pair", 128 << 20))
        .isEqualTo(sha256Prefix(cluster.byId(replicas.get(1)), "pair", 128 << 20));
  }

  @Test
  void withTwoOfThreeReplicasDownWritesWaitAndNothingIsLost() throws Exception {
    JsonNode created = create(cluster.node(1), "quorum", "64M", 3);
    awaitInSync(cluster.node(1), "quorum");
    List<String> replicas = texts(created.get("replicas"));
    NodeProcess attached = cluster.nodes.stream().filter(n -> !replicas.contains(n.nodeId())).findFirst().orElseThrow();
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "quorum")) {
      client.write(0, BlockRecord.encode(0, 1)).get(30, java.util.concurrent.TimeUnit.SECONDS);
      cluster.byId(replicas.get(0)).kill9();
      cluster.byId(replicas.get(1)).kill9();
      java.util.concurrent.CompletableFuture<java.nio.ByteBuffer> pending = client.write(0, BlockRecord.encode(0, 2));
      // No majority: the write must not be acknowledged within 5 s (waiting on the write itself).
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> pending.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .as("a write acknowledged without a majority").isInstanceOf(java.util.concurrent.TimeoutException.class);
      cluster.byId(replicas.get(0)).start();
      pending.get(60, java.util.concurrent.TimeUnit.SECONDS);
      java.nio.ByteBuffer block = client.read(0, BlockRecord.SIZE).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(BlockRecord.versionOf(0, block)).isEqualTo(2);
    }
    cluster.byId(replicas.get(1)).start();
    awaitInSync(attached, "quorum");
    assertReplicasIdentical("quorum", 64 << 20);
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode create(NodeProcess via, String name, String size, int repl) {
    NodeProcess.Reply reply = via.api("POST", "/v1/volumes", Map.of("name", name, "size", size, "repl", repl));
    assertThat(reply.status()).as("create %s: %s", name, reply.body()).isEqualTo(201);
    return reply.body();
  }

  private static String leaderOf(String volume) {
    return Poll.succeeds(Duration.ofSeconds(30), "a leader for " + volume, () -> {
      JsonNode leader = cluster.node(1).api("GET", "/v1/volumes/" + volume, null).body().get("group_leader");
      if (leader == null || leader.isNull()) {
        throw new AssertionError("no leader yet");
      }
      return leader.asText();
    });
  }

  private static void awaitInSync(NodeProcess via, String volume) {
    Poll.until(CATCH_UP, "every replica of " + volume + " in sync", () -> {
      NodeProcess.Reply r = via.api("GET", "/v1/volumes/" + volume, null);
      if (r.status() != 200) {
        return false;
      }
      for (JsonNode s : r.body().get("replica_states")) {
        if (!s.get("state").asText().equals("in sync")) {
          return false;
        }
      }
      return true;
    });
  }

  /** Every node holding a replica reads the volume from its own store: all must be byte-identical. */
  private static void assertReplicasIdentical(String volume, long size) {
    List<String> sums = new ArrayList<>();
    for (NodeProcess n : cluster.nodes) {
      sums.add(sha256Prefix(n, volume, size));
    }
    assertThat(new HashSet<>(sums)).as("sha256 of %s on each node: %s", volume, sums).hasSize(1);
  }

  private static String sha256Prefix(NodeProcess n, String volume, long bytes) {
    Cmd.Result r = Cmd.run(Duration.ofMinutes(2), "sh", "-c",
        "nbdcopy '" + n.nbdUri(volume) + "' - | head -c " + bytes + " | sha256sum");
    r.ok();
    return r.output().substring(0, 64);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new java.util.SplittableRandom(7).nextBytes(b);
    return b;
  }
}
