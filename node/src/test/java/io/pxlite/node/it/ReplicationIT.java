package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.assertReplicasIdentical;
import static io.pxlite.node.it.ReplicaChecks.awaitInSync;
import static io.pxlite.node.it.ReplicaChecks.create;
import static io.pxlite.node.it.ReplicaChecks.createInSync;
import static io.pxlite.node.it.ReplicaChecks.sha256Prefix;
import static io.pxlite.node.it.ReplicaChecks.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("cluster"), 4);
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
    List<String> replicas = createInSync(cluster.node(1), "lead", "256M", 3);
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
    assertReplicasIdentical(cluster, "lead", 256 << 20);
  }

  /**
   * fio (nbd engine, crc32c verification) through the node without a replica while the group's
   * leader is SIGKILLed: fio must finish without an error, and its I/O log says how long I/O stalled.
   */
  @Test
  void fioSurvivesTheLeaderBeingKilledAndResumesWithinSeconds() throws Exception {
    List<String> replicas = createInSync(cluster.node(1), "fio3", "256M", 3);
    NodeProcess attached = cluster.nodes.stream().filter(n -> !replicas.contains(n.nodeId())).findFirst().orElseThrow();
    NodeProcess leader = cluster.byId(leaderOf("fio3"));
    Path logPrefix = dir.resolve("fio3");
    long fioStartedMillis = System.currentTimeMillis();
    java.util.concurrent.CompletableFuture<Cmd.Result> fio = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        Cmd.run(Duration.ofMinutes(3), "fio", "--name=leaderkill", "--ioengine=nbd", "--uri=" + attached.nbdUri("fio3"),
            "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=64M", "--time_based", "--runtime=20",
            "--verify=crc32c", "--verify_backlog=1024", "--verify_fatal=1", "--verify_state_save=0",
            "--write_iops_log=" + logPrefix,
            "--log_avg_msec=100", "--output-format=normal"));
    // The fault comes once fio is writing (its data shows up in the volume), not after a fixed sleep.
    Poll.until(Duration.ofSeconds(60), "fio writing to fio3", () ->
        cluster.node(1).api("GET", "/v1/volumes/fio3", null).body().path("used_bytes").asLong() > (4 << 20) || fio.isDone());
    long killedAtMillis = System.currentTimeMillis();
    leader.kill9();
    Cmd.Result result = fio.get(4, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(result.exitCode()).as("fio output:\n%s", result.output()).isZero();
    assertThat(result.output()).doesNotContain("verify: bad").contains("err= 0");
    long stallMillis = longestIoGapMillis(Path.of(logPrefix + "_iops.1.log"));
    System.out.printf("fio leader kill: longest I/O stall %d ms (killed %d ms into the run)%n", stallMillis,
        killedAtMillis - fioStartedMillis);
    assertThat(stallMillis).as("longest stretch without completed I/O (ms)").isLessThan(15_000);
    leader.start();
    awaitInSync(attached, "fio3");
    assertReplicasIdentical(cluster, "fio3", 256 << 20);
  }

  /** From fio's averaged IOPS log (time ms, IOPS, ...): the longest stretch of samples with no I/O. */
  private static long longestIoGapMillis(Path log) throws java.io.IOException {
    long lastBusy = -1;
    long longest = 0;
    for (String line : Files.readAllLines(log)) {
      String[] f = line.split(",\\s*");
      if (f.length < 2) {
        continue;
      }
      long t = Long.parseLong(f[0].trim());
      long iops = Long.parseLong(f[1].trim());
      if (iops > 0) {
        if (lastBusy >= 0) {
          longest = Math.max(longest, t - lastBusy);
        }
        lastBusy = t;
      }
    }
    assertThat(lastBusy).as("fio logged I/O in %s", log).isPositive();
    return longest;
  }

  @Test
  void aReplicaAwayFor60SecondsOfWritesCatchesUpByItself() throws Exception {
    List<String> replicas = createInSync(cluster.node(1), "away", "256M", 3);
    NodeProcess attached = cluster.byId(replicas.get(0));
    NodeProcess away = cluster.byId(replicas.get(1));
    away.kill9();
    AckedWriteChecker checker = new AckedWriteChecker(16384);
    long acked;
    try (NbdClient client = NbdClient.connect(attached.nbdSocket(), "away")) {
      acked = checker.runFor(client, 16, Duration.ofSeconds(60));
    }
    away.start();
    long back = System.nanoTime();
    awaitInSync(attached, "away");
    long catchUpMillis = (System.nanoTime() - back) / 1_000_000;
    try (NbdClient client = NbdClient.connect(away.nbdSocket(), "away")) {
      checker.verify(client);
    }
    System.out.printf("catch-up: %d writes acknowledged while a replica was away 60 s; it caught up %d ms after it"
        + " was serving again%n", acked, catchUpMillis);
    assertReplicasIdentical(cluster, "away", 256 << 20);
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
    List<String> replicas = createInSync(cluster.node(1), "quorum", "64M", 3);
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
    assertReplicasIdentical(cluster, "quorum", 64 << 20);
  }

  // ------------------------------------------------------------------ helpers

  private static String leaderOf(String volume) {
    return Poll.succeeds(Duration.ofSeconds(30), "a leader for " + volume, () -> {
      JsonNode leader = cluster.node(1).api("GET", "/v1/volumes/" + volume, null).body().get("group_leader");
      if (leader == null || leader.isNull()) {
        throw new AssertionError("no leader yet");
      }
      return leader.asText();
    });
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new java.util.SplittableRandom(7).nextBytes(b);
    return b;
  }
}
