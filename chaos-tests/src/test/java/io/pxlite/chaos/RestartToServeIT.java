package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.node.it.BlockRecord;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How soon a node SIGKILLed while holding 100 volumes serves them again: its process is started and
 * timed to the first served NBD read of a volume of each kind it holds (repl 1 here, repl 2 with a
 * replica here, repl 3, and one with no replica here, read through its group), then to every volume
 * read once, each read checked against the block written before the kill.
 */
@ExtendWith(ChaosSummary.class)
class RestartToServeIT {
  private static final int VOLUMES = 100;
  /**
   * A restarted node that serves later than this fails the test: a guard against a node back to
   * tens of seconds, not the goal (3 s, from the faults issue), which the chaos summary reports. The
   * same code measured 5.2-9.5 s on an idle 2-core machine here and 10.7-11.2 s on a CI run, so a
   * tighter guard fails on machine speed rather than on a regression.
   */
  private static final long SERVE_BOUND_MILLIS = 20_000;

  private static ChaosCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ChaosCluster.start("restart", "2G");
    cluster.awaitAllOnline(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("kill -9 a node holding 100 volumes, time to serve")
  void aKilledNodeHolding100VolumesServesThemWithinSeconds() throws Exception {
    NodeProcess victim = cluster.node(1);
    NodeProcess second = cluster.node(2);
    NodeProcess third = cluster.node(3);
    // Kinds the victim holds (each its own replica group): a replica alone, one of two (a witness
    // elsewhere), one of three; and volumes it holds no replica of, read through their group.
    Map<String, List<String>> placements = new LinkedHashMap<>();
    placements.put("repl 1", List.of(victim.nodeId()));
    placements.put("repl 2", List.of(victim.nodeId(), second.nodeId()));
    placements.put("repl 3", List.of(victim.nodeId(), second.nodeId(), third.nodeId()));
    placements.put("remote repl 1", List.of(third.nodeId()));
    Map<String, List<String>> volumesByKind = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    int i = 0;
    while (all.size() < VOLUMES) {
      for (Map.Entry<String, List<String>> p : placements.entrySet()) {
        if (all.size() == VOLUMES) {
          break;
        }
        String name = "rs-" + i++;
        create(name, p.getValue());
        volumesByKind.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(name);
        all.add(name);
      }
    }
    ChaosSummary.step("%d volumes created: %s", all.size(), counts(volumesByKind));
    for (int v = 0; v < all.size(); v++) {
      try (NbdClient c = cluster.connect(victim, all.get(v))) {
        c.write(0, BlockRecord.encode(0, v + 1)).get(60, TimeUnit.SECONDS);
        ChaosSummary.row().acked(1);
      }
    }
    ChaosSummary.step("one block written to each volume through %s", victim.address());

    victim.kill9();
    ChaosSummary.row().injected(1);
    long start = System.nanoTime();
    victim.start();
    Map<String, Long> firstRead = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> kind : volumesByKind.entrySet()) {
      String volume = kind.getValue().get(0);
      readBack(victim, volume, all.indexOf(volume) + 1);
      firstRead.put(kind.getKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    for (int v = 0; v < all.size(); v++) {
      readBack(victim, all.get(v), v + 1);
    }
    long everyVolume = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long first = firstRead.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    ChaosSummary.row().servedAfterRestart(first);
    ChaosSummary.step("after the restart of %s (process start = 0): first read served per kind (ms) %s; all %d volumes"
        + " read and verified by %d ms", victim.address(), firstRead, all.size(), everyVolume);
    assertThat(firstRead.values()).as("ms from the process start to the first served read, per kind of volume")
        .allSatisfy(ms -> assertThat(ms).isLessThan(SERVE_BOUND_MILLIS));
  }

  private static void create(String name, List<String> nodes) {
    NodeProcess.Reply r = cluster.node(1).api("POST", "/v1/volumes",
        Map.of("name", name, "size", "16M", "repl", nodes.size(), "nodes", String.join(",", nodes)));
    if (r.status() != 201) {
      throw new AssertionError("create " + name + " on " + nodes + " -> " + r.status() + " " + r.body());
    }
  }

  /** Reads block 0 of {@code volume} through {@code n} (retrying while it is not served yet) and checks it. */
  private static void readBack(NodeProcess n, String volume, long version) {
    ByteBuffer read = Poll.succeeds(Duration.ofSeconds(60), n.address() + " to serve " + volume, () -> {
      try (NbdClient c = NbdClient.connect(n.nbdSocket(), volume)) {
        return c.read(0, BlockRecord.SIZE).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e.toString(), e);
      }
    });
    boolean good = read.equals(BlockRecord.encode(0, version));
    ChaosSummary.row().verified(BlockRecord.SIZE, good ? 0 : 1);
    assertThat(good).as("block 0 of %s read through %s after the restart", volume, n.address()).isTrue();
  }

  private static Map<String, Integer> counts(Map<String, List<String>> byKind) {
    Map<String, Integer> out = new LinkedHashMap<>();
    byKind.forEach((k, v) -> out.put(k, v.size()));
    return out;
  }
}
