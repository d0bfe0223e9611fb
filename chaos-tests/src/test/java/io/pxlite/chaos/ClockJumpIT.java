package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node whose wall clock jumps an hour forward and back while it leads a repl-3 group and serves its
 * writer (NTP stepping a clock, a VM resumed from a snapshot). Node 2 runs under Debian's
 * {@code faketime} (libfaketime preloaded, the offset read from a file at run time) with the
 * monotonic clock left real, as the kernel leaves it when the wall clock steps. Raft timeouts, the
 * kvdb lease keep-alive and every idle timer run on the monotonic clock, so nothing may notice:
 * writes go on, the leader stays, the node keeps its lease (never registers again) and every node
 * sees all three online throughout. A volume created through node 2 carries the jumped creation time,
 * which proves the jump reached the process. libfaketime's monotonic-clock "fix" is switched off
 * ({@code FAKETIME_FORCE_MONOTONIC_FIX=0}): with it, its rewritten timed waits made the JVM's timers
 * misfire and the node churned elections even at offset +0.
 */
@ExtendWith(ChaosSummary.class)
class ClockJumpIT {
  private static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
  private static final int BLOCKS = 2_048;
  private static final Duration WRITES = Duration.ofSeconds(60);
  private static final long PER_PHASE = 500;
  /** Each clock phase lasts longer than the node's kvdb lease (10 s TTL), so a lease the jump broke would lapse. */
  private static final Duration PHASE = Duration.ofSeconds(15);

  private static Path offsetFile;
  private static ChaosCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    if (!Files.exists(Path.of(LIBFAKETIME))) {
      throw new AssertionError("the clock-jump test runs a node under libfaketime: install Debian's package faketime ("
          + LIBFAKETIME + " is missing)");
    }
    Path dir = Path.of(System.getProperty("pxlite.chaos.dir", "target/chaos")).toAbsolutePath();
    Files.createDirectories(dir);
    offsetFile = dir.resolve("clock-jump-offset");
    Files.writeString(offsetFile, "+0\n");
    // FAKETIME_CACHE_DURATION=1: the offset file is read again at most every second.
    cluster = ChaosCluster.start("clock-jump", "2G", null, i -> i != 2 ? List.of()
        : List.of("env", "LD_PRELOAD=" + LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE=" + offsetFile,
            "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_FORCE_MONOTONIC_FIX=0", "FAKETIME_CACHE_DURATION=1"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("wall clock +1 h and back (faketime)")
  void aWallClockJumpChangesNothing() throws Exception {
    NodeProcess jumping = cluster.node(2);
    String volume = "clock-jump";
    cluster.create(cluster.node(1), volume, "64M", 3);
    cluster.awaitInSync(cluster.node(1), volume);
    cluster.leadOn(volume, jumping, Duration.ofSeconds(45));
    long registrations = registrations(jumping);
    try (BackgroundWriter w = new BackgroundWriter(BLOCKS,
        cluster.connector(volume, List.of(jumping, cluster.node(1), cluster.node(3))), 8, Duration.ofSeconds(10))) {
      w.awaitMoreAcks(PER_PHASE, WRITES, "warm-up");

      jump("+1h");
      ChaosSummary.row().injected(1);
      awaitClockOfJumpingNode(jumping, "ahead", skew -> skew.compareTo(Duration.ofMinutes(55)) > 0);
      writeWhileEveryNodeStaysOnline(w, "with node 2's clock an hour ahead");

      jump("+0");
      ChaosSummary.row().injected(1);
      awaitClockOfJumpingNode(jumping, "back", skew -> skew.abs().compareTo(Duration.ofMinutes(5)) < 0);
      writeWhileEveryNodeStaysOnline(w, "with node 2's clock back where it was");

      assertThat(cluster.leaderOf(cluster.node(1), volume)).as("the leader of %s after both jumps", volume)
          .isSameAs(jumping);
      assertThat(registrations(jumping)).as("times node 2 registered in the kvdb (a lost lease registers again)")
          .isEqualTo(registrations);
      long acked = w.stop();
      ChaosSummary.row().acked(acked).stall(w.checker.longestAckGapMillis());
      cluster.awaitInSync(cluster.node(1), volume);
      cluster.verifyOnEveryNode(w.checker, volume);
      assertThat(w.checker.longestAckGapMillis()).as("longest stall across the clock jumps (ms)").isLessThan(5_000);
    } finally {
      Files.writeString(offsetFile, "+0\n");
    }
  }

  private static void jump(String offset) throws IOException {
    Files.writeString(offsetFile, offset + "\n");
    ChaosSummary.step("node 2's wall clock set to %s (monotonic clock untouched)", offset);
  }

  /**
   * Waits until volumes created through {@code jumping} carry a creation time whose skew from this
   * clock passes {@code reached} (libfaketime reads the offset file again at most every second): the
   * proof that the jump reached the node's process.
   */
  private static void awaitClockOfJumpingNode(NodeProcess jumping, String phase, Predicate<Duration> reached) {
    int[] probes = {0};
    Poll.until(Duration.ofSeconds(15), "node 2's wall clock (" + phase + ") seen in a volume's creation time", () -> {
      String name = "clock-probe-" + phase + "-" + probes[0]++;
      Instant created = Instant.parse(cluster.create(jumping, name, "16M", 1).get("ctime").asText());
      return reached.test(Duration.between(Instant.now(), created));
    });
    ChaosSummary.step("node 2 stamps new volumes with its jumped clock (%s) after %d probe volume(s)", phase,
        probes[0]);
  }

  /**
   * Waits for {@link #PER_PHASE} more acknowledged writes and at least {@link #PHASE}, checking every
   * node's view of the cluster all along: each must stay registered and see all three nodes online.
   */
  private static void writeWhileEveryNodeStaysOnline(BackgroundWriter w, String why) {
    long target = w.acknowledged() + PER_PHASE;
    long start = System.nanoTime();
    long phaseEnd = start + PHASE.toNanos();
    long deadline = start + WRITES.toNanos();
    List<String> lapses = new ArrayList<>();
    int samples = 0;
    while (w.acknowledged() < target || System.nanoTime() < phaseEnd) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(PER_PHASE + " more acknowledged writes " + why + " within " + WRITES + "; "
            + w.acknowledged() + " so far");
      }
      for (NodeProcess n : cluster.nodes()) {
        JsonNode s = cluster.status(n);
        samples++;
        if (!"healthy".equals(s.path("health").asText()) || s.path("nodes_online").asInt() != 3) {
          lapses.add(n.address() + ": " + Map.of("health", s.path("health").asText(), "nodes_online",
              s.path("nodes_online").asInt()));
        }
      }
    }
    assertThat(lapses).as("status samples (of %d) " + why + " where a node was unhealthy or saw a node offline",
        samples).isEmpty();
    ChaosSummary.step("%d writes acknowledged %s over %d ms; %d status samples, every node healthy with 3 online",
        w.acknowledged() - target + PER_PHASE, why, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), samples);
  }

  private static long registrations(NodeProcess n) throws IOException {
    try (var lines = Files.lines(n.log())) {
      return lines.filter(l -> l.contains("registering node in the kvdb")).count();
    }
  }
}
