package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.node.it.AckedWriteChecker;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Power loss: each node's data dir (Raft log, RocksDB) and device sit on a {@link FaultyDisk} whose
 * write cache a cut drops, so whatever a node acknowledged without making it durable is gone after
 * the cut. Each scenario writes while the disk dies, runs e2fsck, remounts, restarts the node and
 * reads back every acknowledged write.
 */
@ExtendWith(ChaosSummary.class)
class PowerLossIT {
  private static final int BLOCKS = 4_096;
  private static final int QUEUE_DEPTH = 16;
  private static final Duration STALL_LIMIT = Duration.ofSeconds(90);
  /** How long the writer keeps trying to reconnect: it spans a cut, an fsck and a node restart. */
  private static final Duration RECONNECT = Duration.ofSeconds(150);

  private static ChaosCluster cluster;
  private static final List<FaultyDisk> disks = new ArrayList<>();
  /** Disks a scenario cut and has not restored yet (restored after a failure, before the health check). */
  private static final Set<Integer> cut = new LinkedHashSet<>();

  @BeforeAll
  static void start() throws Exception {
    Path diskDir = ChaosCluster.dirOf("powerloss-disks");
    try {
      for (int i = 1; i <= 3; i++) {
        disks.add(FaultyDisk.withWriteCache(diskDir.resolve("node" + i), "1G"));
      }
      cluster = ChaosCluster.start("powerloss", "512M", i -> disks.get(i - 1).mount());
      cluster.awaitAllOnline(Duration.ofSeconds(60));
    } catch (Exception | AssertionError e) {
      stop();
      throw e;
    }
  }

  @AfterEach
  void recover(TestInfo test) {
    try {
      for (int i : List.copyOf(cut)) {
        cluster.node(i).kill9();
        restore(i);
      }
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
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      for (FaultyDisk d : disks) {
        d.close();
      }
      disks.clear();
    }
  }

  @Test
  @DisplayName("power cut x3, repl 1 (fsck, remount, restart)")
  void threePowerCutsInARowLoseNoAcknowledgedWrite() throws Exception {
    NodeProcess node = cluster.node(1);
    String volume = "pl-one";
    NodeProcess.Reply r = node.api("POST", "/v1/volumes",
        Map.of("name", volume, "size", "64M", "repl", 1, "nodes", node.nodeId()));
    assertThat(r.status()).as("create %s: %s", volume, r.body()).isEqualTo(201);
    BackgroundWriter w = new BackgroundWriter(BLOCKS, connector(volume, List.of(node)), QUEUE_DEPTH, STALL_LIMIT);
    try {
      for (int round = 1; round <= 3; round++) {
        w.awaitMoreAcks(2_000, Duration.ofSeconds(60), "before cut " + round);
        powerCut(1);
        int fsck = restore(1);
        cluster.startAndTimeToServe(node, volume);
        ChaosSummary.step("cut %d: e2fsck exited %d, %s serves %s again", round, fsck, node.address(), volume);
      }
      w.awaitMoreAcks(1_000, Duration.ofSeconds(60), "after the last restart");
    } catch (Throwable t) {
      // The writer's own failure (it cannot reconnect) would hide why: report the scenario's.
      w.close();
      throw t;
    }
    w.stop();
    try (NbdClient c = cluster.connect(node, volume)) {
      assertClean(w.checker, c, node);
    }
  }

  @Test
  @DisplayName("power cut of one replica's disk, repl 3")
  void oneReplicaLosingPowerLosesNothing() throws Exception {
    String volume = "pl-three";
    cluster.create(cluster.node(1), volume, "64M", 3);
    cluster.awaitInSync(cluster.node(1), volume);
    BackgroundWriter w = new BackgroundWriter(BLOCKS, connector(volume, cluster.nodes()), QUEUE_DEPTH, STALL_LIMIT);
    try {
      w.awaitMoreAcks(2_000, Duration.ofSeconds(60), "before the cut");
      powerCut(3);
      w.awaitMoreAcks(2_000, Duration.ofSeconds(60), "with " + cluster.node(3).address() + "'s disk dead");
      int fsck = restore(3);
      cluster.startAndTimeToServe(cluster.node(3), volume);
      ChaosSummary.step("e2fsck exited %d; %s serves %s again", fsck, cluster.node(3).address(), volume);
      w.awaitMoreAcks(1_000, Duration.ofSeconds(60), "after the restart");
    } catch (Throwable t) {
      // The writer's own failure (it cannot reconnect) would hide why: report the scenario's.
      w.close();
      throw t;
    }
    w.stop();
    cluster.awaitInSync(cluster.node(1), volume);
    cluster.verifyOnEveryNode(w.checker, volume);
  }

  @Test
  @DisplayName("rack power loss: every disk cut at once, repl 3")
  void everyDiskLosingPowerAtOnceLosesNothing() throws Exception {
    String volume = "pl-rack";
    cluster.create(cluster.node(1), volume, "64M", 3);
    cluster.awaitInSync(cluster.node(1), volume);
    BackgroundWriter w = new BackgroundWriter(BLOCKS, connector(volume, cluster.nodes()), QUEUE_DEPTH, STALL_LIMIT);
    try {
      w.awaitMoreAcks(3_000, Duration.ofSeconds(60), "before the cut");
      for (int i = 1; i <= 3; i++) {
        disks.get(i - 1).cut();
        cut.add(i);
      }
      for (NodeProcess n : cluster.nodes()) {
        n.kill9();
      }
      ChaosSummary.row().injected(3);
      ChaosSummary.step("every disk lost power and every node died");
      for (int i = 1; i <= 3; i++) {
        ChaosSummary.step("%s: e2fsck exited %d", cluster.node(i).address(), restore(i));
      }
      cluster.node(2).start();
      cluster.node(3).start();
      cluster.startAndTimeToServe(cluster.node(1), volume);
      w.awaitMoreAcks(1_000, Duration.ofSeconds(90), "after the restart");
    } catch (Throwable t) {
      // The writer's own failure (it cannot reconnect) would hide why: report the scenario's.
      w.close();
      throw t;
    }
    w.stop();
    cluster.awaitInSync(cluster.node(1), volume);
    cluster.verifyOnEveryNode(w.checker, volume);
  }

  /** Cuts node i's disk, then SIGKILLs the node (the host lost power). */
  private static void powerCut(int i) {
    disks.get(i - 1).cut();
    cut.add(i);
    cluster.node(i).kill9();
    ChaosSummary.row().injected(1);
    ChaosSummary.step("%s lost power (disk cache dropped, node killed)", cluster.node(i).address());
  }

  private static int restore(int i) {
    int fsck = disks.get(i - 1).restore();
    cut.remove(i);
    return fsck;
  }

  /**
   * Connections to the volume through the first running node of {@code order} that accepts one,
   * retried for {@link #RECONNECT}: longer than the chaos cluster's connector, since a power cut keeps
   * every node of a repl-1 volume (or of a rack) down through an fsck and a restart.
   */
  private static Supplier<NbdClient> connector(String volume, List<NodeProcess> order) {
    return () -> Poll.succeeds(RECONNECT, "an NBD connection to " + volume, () -> {
      List<String> refused = new ArrayList<>();
      for (NodeProcess n : order) {
        if (!n.isAlive()) {
          continue;
        }
        try {
          return NbdClient.connect(n.nbdSocket(), volume);
        } catch (IOException e) {
          refused.add(n.address() + ": " + e.getMessage());
        }
      }
      throw new AssertionError("no node accepted a connection to " + volume + ": " + refused);
    });
  }

  private static void assertClean(AckedWriteChecker checker, NbdClient c, NodeProcess via) throws Exception {
    AckedWriteChecker.Verification v = checker.check(c);
    ChaosSummary.row().verified(v.bytesVerified(), v.bad());
    assertThat(v.clean()).as("acknowledged writes read back through %s after the power cuts: %d lost, %d corrupt: %s",
        via.address(), v.lost(), v.corrupt(), v.problems()).isTrue();
    ChaosSummary.step("every one of %d acknowledged writes is there", checker.acknowledged());
  }
}
