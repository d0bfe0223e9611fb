package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.node.it.BlockRecord;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults against one shared cluster of three real nodes and a real etcd, while a writer keeps
 * writing through NBD and records every acknowledged write: kill -9 of the leader, a follower and
 * the node the writer is attached to; SIGSTOP of the leader for longer than the election timeout, and
 * of a follower for longer than its kvdb lease; a network partition that leaves the leader alone; bit
 * rot in one replica's device. After each fault every replica must catch up, hold every acknowledged
 * write, and be byte-identical to the others. Each scenario uses its own repl-3 volume (all of them
 * share the cluster's one replica group, so its log grows from scenario to scenario).
 *
 * <p>pxlite moves a group's leadership to the node where a volume is opened over NBD, so the node the
 * writer is attached to usually becomes the leader; scenarios that need the leader elsewhere move it
 * on purpose ({@link ChaosCluster#leadOn}).
 */
@ExtendWith(ChaosSummary.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
  /** The writer's range: 64 MiB of 4 KiB blocks, the whole of each scenario's volume. */
  private static final int BLOCKS = 16_384;
  private static final String SIZE = "64M";
  private static final int QUEUE_DEPTH = 16;
  /** A writer fails if no write at all completes for this long (a fault must stall, not stop, writes). */
  private static final Duration STALL_LIMIT = Duration.ofSeconds(90);
  private static final Duration WRITES = Duration.ofSeconds(60);
  /** Warm-up writes before a fault, and writes that must complete during and after it. */
  private static final long WARM_UP = 1_000;
  private static final long DURING = 1_500;
  private static final long AFTER = 1_000;
  /** How long moving a group's leadership on purpose may take (pxlite asks at most every 30 s per node). */
  private static final Duration LEADERSHIP = Duration.ofSeconds(45);

  private static ChaosCluster cluster;
  private static Partitions partitions;

  @BeforeAll
  static void start() throws Exception {
    Partitions.requireUsable();
    partitions = new Partitions();
    cluster = ChaosCluster.start("shared", "2G");
  }

  @AfterEach
  void recover(TestInfo test) {
    try {
      partitions.heal();
    } finally {
      if (ChaosSummary.anyFailed()) {
        System.out.println("chaos: node logs after " + test.getDisplayName() + ":\n" + cluster.logTails());
      }
      cluster.ensureHealthy();
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (partitions != null) {
        partitions.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(0)
  @DisplayName("leadership moves (volume opened elsewhere)")
  void movingTheLeadershipFailsNoWrite() throws Exception {
    String volume = "move-leader";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(1);
    try (BackgroundWriter w = writer(volume, attached, cluster.others(attached))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      long failedBefore = w.checker.failedWrites();
      // Opening a volume over NBD on a replica node makes pxlite move its group's leadership there;
      // the client retries of the writes in flight meanwhile must ride it out. Twice around the others.
      for (NodeProcess target : cluster.others(attached)) {
        NodeProcess leader = cluster.leaderOf(attached, volume);
        if (leader == target) {
          continue;
        }
        cluster.leadOn(volume, target, LEADERSHIP);
        ChaosSummary.row().injected(1);
        ChaosSummary.step("%s leads now (was %s); failed writes: %s", target.address(), leader.address(),
            w.checker.failureKinds());
        w.awaitMoreAcks(WARM_UP, WRITES, "writes go on after the leadership moved");
      }
      long failed = w.checker.failedWrites() - failedBefore;
      settle(volume, w, attached);
      assertThat(failed).as("writes through %s that failed while the group's leadership moved (%s)",
          attached.address(), w.checker.failureKinds()).isZero();
    }
  }

  @Test
  @Order(1)
  @DisplayName("kill -9 leader")
  void killTheLeader() throws Exception {
    String volume = "kill-leader";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(1);
    NodeProcess leader = cluster.node(2);
    Expectations soft = new Expectations();
    try (BackgroundWriter w = writer(volume, attached, cluster.others(leader))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      cluster.leadOn(volume, leader, LEADERSHIP);
      ChaosSummary.step("kill -9 %s, the leader (the writer is on %s); failed writes so far: %s", leader.address(),
          attached.address(), w.checker.failureKinds());
      leader.kill9();
      ChaosSummary.row().injected(1);
      // The dead leader commits nothing: writes acknowledged now were committed under a new leader.
      w.awaitMoreAcks(DURING, WRITES, "writes go on through a new leader while the old one is dead");
      ChaosSummary.step("%d more writes acknowledged without the old leader; failed writes so far: %s", DURING,
          w.checker.failureKinds());
      soft.check("volume inspect shows a new leader and the dead one down", () ->
          Poll.succeeds(Duration.ofSeconds(20), "inspect on " + attached.address() + " with a new leader", () -> {
            JsonNode v = cluster.inspect(attached, volume);
            assertThat(v.path("group_leader").asText()).isNotEqualTo(leader.nodeId());
            assertThat(stateOf(v, leader)).isEqualTo("down");
            return v;
          }));
      cluster.startAndTimeToServe(leader, volume);
      w.awaitMoreAcks(AFTER, WRITES, "writes go on while the old leader catches up");
      settle(volume, w, attached);
      assertThat(w.checker.longestAckGapMillis()).as("longest stall after the leader died (ms)").isLessThan(15_000);
    }
    soft.assertAll();
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 follower")
  void killAFollower() throws Exception {
    String volume = "kill-follower";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(2);
    try (BackgroundWriter w = writer(volume, attached, cluster.others(attached))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      NodeProcess leader = cluster.leaderOf(attached, volume);
      NodeProcess follower = cluster.others(leader, attached).get(0);
      ChaosSummary.step("kill -9 %s, a follower (leader %s, writer on %s)", follower.address(), leader.address(),
          attached.address());
      follower.kill9();
      ChaosSummary.row().injected(1);
      w.awaitMoreAcks(DURING, WRITES, "writes go on with one follower dead");
      cluster.startAndTimeToServe(follower, volume);
      w.awaitMoreAcks(AFTER, WRITES, "writes go on while the follower catches up");
      settle(volume, w, attached);
      assertThat(w.checker.longestAckGapMillis()).as("longest stall after a follower died (ms)").isLessThan(10_000);
    }
  }

  @Test
  @Order(3)
  @DisplayName("kill -9 attached node")
  void killTheAttachedNode() throws Exception {
    String volume = "kill-attached";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(3);
    try (BackgroundWriter w = writer(volume, attached, cluster.others(attached))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      boolean leads = cluster.leaderOf(attached, volume) == attached;
      ChaosSummary.step("kill -9 %s, the node the writer is attached to (%s the group)", attached.address(),
          leads ? "it leads" : "it does not lead");
      attached.kill9();
      ChaosSummary.row().injected(1);
      w.awaitMoreAcks(DURING, WRITES, "writes go on through another node after the attached one died");
      assertThat(w.checker.reconnects()).as("the writer reconnected to another node").isPositive();
      cluster.startAndTimeToServe(attached, volume);
      w.awaitMoreAcks(AFTER, WRITES, "writes go on while the killed node catches up");
      settle(volume, w, cluster.node(1));
      // Reconnecting to another node (the client notices the dead socket, negotiates anew) and that
      // node taking over the writes: about 2 s since group clients keep member queries off their
      // write streams (up to 17 s before, when a failover could wait out a request timeout).
      assertThat(w.checker.longestAckGapMillis()).as("longest stall after the attached node died (ms)").isLessThan(15_000);
    }
  }

  @Test
  @Order(4)
  @DisplayName("SIGSTOP leader 15 s")
  void pauseTheLeaderLongerThanTheElectionTimeout() throws Exception {
    String volume = "pause-leader";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(1);
    NodeProcess leader = cluster.node(3);
    try (BackgroundWriter w = writer(volume, attached, cluster.others(leader))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      cluster.leadOn(volume, leader, LEADERSHIP);
      ChaosSummary.step("SIGSTOP %s, the leader (the writer is on %s)", leader.address(), attached.address());
      long pausedAt = System.nanoTime();
      long acksBefore = w.acknowledged();
      cluster.pause(leader);
      ChaosSummary.row().injected(1);
      // 15 s, a fault's duration (not a wait for a state): the election timeout is 1-2 s, but a write
      // in flight to the frozen leader waits out the Raft client's 5 s request timeout before it is
      // retried elsewhere, so writes resume 6-11 s into the freeze (the longer on a loaded machine).
      // Holding 15 s shows them flowing through the new leader while the old one is still frozen.
      holdUntil(pausedAt, Duration.ofSeconds(15));
      long duringFreeze = w.acknowledged() - acksBefore;
      cluster.resume(leader);
      ChaosSummary.step("SIGCONT %s; %d writes were acknowledged while it was frozen", leader.address(), duringFreeze);
      // The followers elected a new leader meanwhile: the old one, woken up, finds a newer term and follows.
      NodeProcess next = cluster.awaitLeaderOtherThan(attached, volume, leader, Duration.ofSeconds(20));
      ChaosSummary.step("%s leads now", next.address());
      assertThat(duringFreeze).as("writes acknowledged through a new leader while the old one was frozen").isPositive();
      w.awaitMoreAcks(AFTER, WRITES, "writes go on after the old leader woke up");
      settle(volume, w, attached);
      // Writes in flight to the frozen leader wait out the Raft client's 5 s request timeout, and the
      // client's channel to it takes seconds to give up: about 8 s measured (24-28 s before member
      // queries got a client of their own), well inside the 15 s freeze.
      assertThat(w.checker.longestAckGapMillis()).as("longest stall while the leader was frozen (ms)").isLessThan(25_000);
    }
  }

  @Test
  @Order(5)
  @DisplayName("partition: leader vs 2 followers")
  void partitionTheLeaderFromBothFollowers() throws Exception {
    String volume = "partition";
    String probeVolume = "partition-minority";
    newVolume(volume, SIZE);
    newVolume(probeVolume, "16M");
    NodeProcess attached = cluster.node(2);
    NodeProcess leader = cluster.node(1);
    List<NodeProcess> majority = cluster.others(leader);
    Expectations soft = new Expectations();
    ByteBuffer probeRecord = BlockRecord.encode(0, 1);
    try (BackgroundWriter w = writer(volume, attached, majority)) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      cluster.leadOn(volume, leader, LEADERSHIP);
      // Opened on the leader only now: opening a volume on a node makes it ask for the group's leadership.
      NbdClient minority = cluster.connect(leader, probeVolume);
      try (minority) {
        ChaosSummary.step("cutting %s (the leader) off from %s and %s; failed writes so far: %s", leader.address(),
            majority.get(0).address(), majority.get(1).address(), w.checker.failureKinds());
        long cutAt = System.nanoTime();
        partitions.isolate(cluster, leader, majority);
        ChaosSummary.row().injected(1);
        // The isolated leader cannot commit: writes acknowledged now were committed by a new leader on the majority side.
        w.awaitMoreAcks(DURING, WRITES, "writes go on on the majority side");
        ChaosSummary.step("%d more writes acknowledged on the majority side; failed writes so far: %s", DURING,
            w.checker.failureKinds());
        // A write through the old leader, alone on its side, must not be acknowledged while the partition holds.
        CompletableFuture<ByteBuffer> probe = minority.write(0, probeRecord.duplicate());
        CompletableFuture<Void> seenByMajority = CompletableFuture.runAsync(() ->
            soft.check("volume inspect on the majority side shows a new leader", () -> {
              NodeProcess next = cluster.awaitLeaderOtherThan(attached, volume, leader, Duration.ofSeconds(15));
              ChaosSummary.step("the majority side elected %s", next.address());
            }));
        CompletableFuture<Void> steppedDown = CompletableFuture.runAsync(() ->
            soft.check("the isolated old leader gives up leadership (volume inspect on it)", () -> {
              Optional<String> seen = Poll.succeeds(Duration.ofSeconds(15), "no leadership claimed by " + leader.address(),
                  () -> {
                    Optional<String> l = cluster.leaderSeenBy(leader, volume);
                    assertThat(l).isNotEqualTo(Optional.of(leader.nodeId()));
                    return l;
                  });
              ChaosSummary.step("the isolated old leader %s no longer claims leadership (it sees %s)", leader.address(),
                  seen.map(id -> cluster.byId(id).address()).orElse("no leader"));
            }));
        CompletableFuture.allOf(seenByMajority, steppedDown).get(2, TimeUnit.MINUTES);
        // Hold the partition for at least 15 s in all.
        holdUntil(cutAt, Duration.ofSeconds(15));
        assertThat(probe.isDone() && !probe.isCompletedExceptionally())
            .as("a write through the isolated minority node was acknowledged while partitioned").isFalse();
        partitions.heal();
        ChaosSummary.step("partition healed");
        w.awaitMoreAcks(AFTER, WRITES, "writes go on after healing");
        boolean probeAcked = probeOutcome(probe);
        ChaosSummary.step("the minority's write was %s after healing", probeAcked ? "acknowledged" : "refused");
        settle(volume, w, attached);
        for (NodeProcess n : cluster.nodes()) {
          try (NbdClient c = cluster.connect(n, probeVolume)) {
            long version = BlockRecord.versionOf(0, c.read(0, BlockRecord.SIZE).get(60, TimeUnit.SECONDS));
            ChaosSummary.row().verified(BlockRecord.SIZE, probeAcked && version != 1 ? 1 : 0);
            if (probeAcked) {
              assertThat(version).as("the acknowledged minority write, read through %s", n.address()).isEqualTo(1);
            }
          }
        }
        cluster.assertReplicasIdentical(probeVolume);
      }
    }
    soft.assertAll();
  }

  @Test
  @Order(6)
  @DisplayName("SIGSTOP follower 15 s (> kvdb lease)")
  void aFollowerFrozenLongerThanItsKvdbLeaseComesBackOnline() throws Exception {
    String volume = "pause-long";
    newVolume(volume, SIZE);
    NodeProcess attached = cluster.node(2);
    Expectations soft = new Expectations();
    try (BackgroundWriter w = writer(volume, attached, cluster.others(attached))) {
      w.awaitMoreAcks(WARM_UP, WRITES, "warm-up");
      NodeProcess leader = cluster.leaderOf(attached, volume);
      NodeProcess frozen = cluster.others(leader, attached).get(0);
      ChaosSummary.step("SIGSTOP %s, a follower, for 15 s", frozen.address());
      long pausedAt = System.nanoTime();
      cluster.pause(frozen);
      ChaosSummary.row().injected(1);
      w.awaitMoreAcks(DURING, WRITES, "writes go on with a follower frozen");
      // 15 s: longer than the node's 10 s lease on its alive/ key in etcd, which expires meanwhile.
      holdUntil(pausedAt, Duration.ofSeconds(15));
      cluster.resume(frozen);
      ChaosSummary.step("SIGCONT %s", frozen.address());
      soft.check("the thawed node registers in the kvdb again by itself", () -> {
        String[] health = {""};
        try {
          Poll.until(Duration.ofSeconds(20), frozen.address() + " healthy and all nodes online", () -> {
            health[0] = cluster.status(frozen).path("health").asText();
            return cluster.healthyAndAllOnline(frozen);
          });
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; its status says: " + health[0], e);
        }
      });
      w.awaitMoreAcks(AFTER, WRITES, "writes go on after the follower thawed");
      long acked = w.stop();
      ChaosSummary.step("%d writes acknowledged; failed writes by kind: %s", acked, w.checker.failureKinds());
      // Caught up whatever state it shows: a node not registered in the kvdb is shown "down".
      cluster.awaitCaughtUp(attached, volume);
      cluster.verifyOnEveryNode(w.checker, volume);
      soft.check("volume inspect shows every replica in sync again", () ->
          cluster.awaitInSync(attached, volume, Duration.ofSeconds(20)));
    }
    soft.assertAll();
  }

  @Test
  @Order(7)
  @DisplayName("bit rot in one replica")
  void bitRotInOneReplicaIsFoundAndRepairedFromAHealthyOne() throws Exception {
    String volume = "bitrot";
    NodeProcess leader = newVolume(volume, "16M");
    NodeProcess victim = cluster.others(leader).get(0);
    int records = 64;
    int target = 42;
    long base = 0xB17_0000L;
    try (NbdClient c = cluster.connect(leader, volume)) {
      for (int b = 0; b < records; b++) {
        c.write((long) b * BlockRecord.SIZE, BlockRecord.encode(b, base + b)).get(60, TimeUnit.SECONDS);
        ChaosSummary.row().acked(1);
      }
    }
    cluster.awaitInSync(leader, volume);
    ByteBuffer good = BlockRecord.encode(target, base + target);
    Path device = victim.device();
    long at = Poll.succeeds(Duration.ofSeconds(30), "block " + target + " on " + victim.address() + "'s device",
        () -> find(device, good));
    long errorsBefore = cluster.inspect(victim, volume).get("checksum_errors").asLong();
    try (FileChannel dev = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.allocate(16);
      dev.read(bytes, at + 1000);
      for (int i = 0; i < 16; i++) {
        bytes.put(i, (byte) ~bytes.get(i));
      }
      dev.write(bytes.flip(), at + 1000);
    }
    ChaosSummary.row().injected(1);
    ChaosSummary.step("flipped 16 bytes of block %d of %s in %s's device at offset %d", target, volume, victim.address(), at);

    try (NbdClient c = cluster.connect(victim, volume)) {
      ByteBuffer read;
      try {
        read = c.read((long) target * BlockRecord.SIZE, BlockRecord.SIZE).get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        ChaosSummary.row().verified(0, 1);
        throw new AssertionError("reading the rotten block through " + victim.address()
            + " (its own replica) failed instead of being repaired from a healthy replica: " + e.getCause(), e.getCause());
      }
      ChaosSummary.row().verified(BlockRecord.SIZE, read.equals(good) ? 0 : 1);
      assertThat(read).as("the rotten block read through its replica's node").isEqualTo(good);
    }
    assertThat(cluster.inspect(victim, volume).get("checksum_errors").asLong())
        .as("checksum_errors on %s", victim.address()).isGreaterThan(errorsBefore);
    assertThat(find(device, good)).as("a good copy of the block is back on %s's device", victim.address())
        .isGreaterThanOrEqualTo(0);
    for (NodeProcess n : cluster.nodes()) {
      try (NbdClient c = cluster.connect(n, volume)) {
        ByteBuffer all = c.read(0, records * BlockRecord.SIZE).get(60, TimeUnit.SECONDS);
        int bad = 0;
        for (int b = 0; b < records; b++) {
          if (!all.slice(b * BlockRecord.SIZE, BlockRecord.SIZE).equals(BlockRecord.encode(b, base + b))) {
            bad++;
          }
        }
        ChaosSummary.row().verified((long) records * BlockRecord.SIZE, bad);
        assertThat(bad).as("blocks of %s that read wrong through %s", volume, n.address()).isZero();
      }
    }
    cluster.assertReplicasIdentical(volume);
  }

  // ------------------------------------------------------------------ helpers

  /** Creates a repl-3 volume, waits until all replicas are in sync, and returns its group's leader. */
  private static NodeProcess newVolume(String volume, String size) {
    NodeProcess via = cluster.node(1);
    cluster.create(via, volume, size, 3);
    cluster.awaitInSync(via, volume);
    NodeProcess leader = cluster.leaderOf(via, volume);
    ChaosSummary.step("volume %s (%s, repl 3) in sync; leader %s", volume, size, leader.address());
    return leader;
  }

  /** A writer attached to {@code attached}; when that connection breaks it goes on through {@code fallbacks}. */
  private static BackgroundWriter writer(String volume, NodeProcess attached, List<NodeProcess> fallbacks) {
    List<NodeProcess> order = new ArrayList<>(List.of(attached));
    fallbacks.stream().filter(n -> n != attached).forEach(order::add);
    return new BackgroundWriter(BLOCKS, cluster.connector(volume, order), QUEUE_DEPTH, STALL_LIMIT);
  }

  /**
   * Stops the writer, waits until every replica is in sync, checks every acknowledged write through
   * every node and compares the replicas byte for byte.
   */
  private static void settle(String volume, BackgroundWriter w, NodeProcess via) throws Exception {
    long acked = w.stop();
    ChaosSummary.step("%d writes acknowledged, %d reconnects, longest stall %d ms (ended at %s); failed writes by kind: %s",
        acked, w.checker.reconnects(), w.checker.longestAckGapMillis(), ChaosSummary.when(w.checker.longestAckGapEndNanos()),
        w.checker.failureKinds());
    cluster.awaitInSync(via, volume);
    ChaosSummary.step("every replica of %s in sync", volume);
    cluster.verifyOnEveryNode(w.checker, volume);
  }

  /** A replica's state in a volume's JSON ("in sync", "catching up", "down"). */
  private static String stateOf(JsonNode volume, NodeProcess n) {
    for (JsonNode s : volume.path("replica_states")) {
      if (s.path("node").asText().equals(n.nodeId())) {
        return s.path("state").asText();
      }
    }
    return "(not listed)";
  }

  /** Sleeps until {@code duration} has passed since {@code since} (holding a fault for a set time). */
  private static void holdUntil(long since, Duration duration) throws InterruptedException {
    long left = duration.toNanos() - (System.nanoTime() - since);
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** Whether the minority's write was acknowledged once the partition healed (refused is allowed too). */
  private static boolean probeOutcome(CompletableFuture<ByteBuffer> probe) throws Exception {
    try {
      probe.get(90, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }

  /** The device offset of the 4 KiB-aligned slot holding exactly {@code block}; fails if none does. */
  static long find(Path device, ByteBuffer block) {
    try (RandomAccessFile f = new RandomAccessFile(device.toFile(), "r")) {
      FileChannel ch = f.getChannel();
      ByteBuffer chunk = ByteBuffer.allocateDirect(4 << 20);
      for (long base = 1 << 20; base < ch.size(); base += chunk.capacity()) {
        chunk.clear();
        while (chunk.hasRemaining() && ch.read(chunk, base + chunk.position()) > 0) {
          // read the whole chunk
        }
        chunk.flip();
        for (int i = 0; i + BlockRecord.SIZE <= chunk.limit(); i += BlockRecord.SIZE) {
          if (chunk.slice(i, BlockRecord.SIZE).equals(block)) {
            return base + i;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("the block is not on " + device + " in plain form");
  }
}
