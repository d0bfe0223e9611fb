package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-minute snapshot schedule keeping 3, on a repl-3 volume of a three-node cluster, over five
 * minutes of real time with the group's leader SIGKILLed once (just before a slot falls due) and
 * started again a minute later: every due slot is taken exactly once, whichever node acts, and the
 * oldest are pruned so that exactly the last three remain.
 */
class SnapshotScheduleIT {
  private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

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
  void everyDueSlotIsTakenOnceAndTheOldestArePrunedAcrossALeaderKill() throws Exception {
    // Create well inside a minute, so the first due slot is unambiguously the next minute.
    awaitSecondOfMinuteBetween(5, 45);
    Instant created = Instant.now();
    NodeProcess.Reply made = cluster.node(1).api("POST", "/v1/volumes",
        Map.of("name", "sched", "size", "64M", "repl", 3, "periodic", "1,3"));
    assertThat(made.status()).as("%s", made.body()).isEqualTo(201);
    assertThat(made.body().get("snap_schedules").toString()).contains("periodic 1,3");
    assertThat(made.body().get("snap_interval").asInt()).isEqualTo(1);
    ReplicaChecks.awaitInSync(cluster.node(1), "sched");
    Instant firstSlot = created.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);

    Set<String> seen = new ConcurrentSkipListSet<>();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicReference<NodeProcess> down = new AtomicReference<>();
    AtomicReference<Throwable> watchFailed = new AtomicReference<>();
    // Samples the snapshot list twice a second, from whichever node is up.
    ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
    watcher.scheduleAtFixedRate(() -> {
      try {
        NodeProcess via = cluster.nodes.stream().filter(n -> n != down.get() && n.isAlive()).findFirst().orElseThrow();
        NodeProcess.Reply reply = via.api("GET", "/v1/snapshots?volume=sched", null);
        if (reply.status() == 200) {
          int scheduled = 0;
          for (JsonNode s : reply.body()) {
            if (s.get("creator").asText().equals("schedule (periodic)")) {
              seen.add(s.get("name").asText());
              scheduled++;
            }
          }
          mostAtOnce.accumulateAndGet(scheduled, Math::max);
        }
      } catch (Throwable t) {
        watchFailed.compareAndSet(null, t);
      }
    }, 0, 500, TimeUnit.MILLISECONDS);
    try {
      // The leader dies two seconds before a slot is due, two minutes in.
      awaitTime(firstSlot.plus(2, ChronoUnit.MINUTES).minusSeconds(2));
      NodeProcess leader = cluster.byId(leaderOf("sched"));
      down.set(leader);
      leader.kill9();
      System.out.printf("snapshot schedule: killed the leader %s at %s%n", leader.nodeId(), Instant.now());
      awaitTime(Instant.now().plusSeconds(65));
      leader.start();
      down.set(null);

      // Five minutes after the first slot, well after that minute's slot was due.
      Instant end = firstSlot.plus(5, ChronoUnit.MINUTES).plusSeconds(35);
      awaitTime(end);
      Instant lastSlot = end.truncatedTo(ChronoUnit.MINUTES);
      List<String> due = new ArrayList<>();
      for (Instant t = firstSlot; !t.isAfter(lastSlot); t = t.plus(1, ChronoUnit.MINUTES)) {
        due.add("sched.periodic-" + SLOT.format(t));
      }

      assertThat(watchFailed.get()).as("the watcher's failure").isNull();
      assertThat(new TreeSet<>(seen)).as("every due slot was taken, and nothing else").containsExactlyElementsOf(due);
      List<String> now = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (JsonNode s : cluster.node(2).api("GET", "/v1/snapshots?volume=sched", null).body()) {
        now.add(s.get("name").asText());
        ids.add(s.get("id").asText());
      }
      assertThat(new TreeSet<>(now)).as("the newest three remain").containsExactlyElementsOf(due.subList(due.size() - 3, due.size()));
      assertThat(mostAtOnce.get()).as("never more than keep + the one being taken").isLessThanOrEqualTo(4);
      System.out.printf("snapshot schedule: %d slots due and taken (%s … %s), %s remain%n", due.size(), due.get(0),
          due.get(due.size() - 1), now);

      // Every replica can read every remaining snapshot (the store holds it, not only the catalog).
      for (NodeProcess n : cluster.nodes) {
        for (String name : now) {
          Cmd.run(Duration.ofSeconds(30), "nbdinfo", n.nbdUri(name)).ok();
        }
      }

      // Lowering keep prunes at once; ending the schedule keeps what it took.
      cluster.node(3).api("PATCH", "/v1/volumes/sched", Map.of("periodic", "1,2"));
      Poll.until(Duration.ofSeconds(30), "pruned to 2", () ->
          cluster.node(1).api("GET", "/v1/snapshots?volume=sched", null).body().size() == 2);
      JsonNode ended = cluster.node(3).api("PATCH", "/v1/volumes/sched", Map.of("periodic", "0")).body();
      assertThat(ended.get("snap_schedules")).isEmpty();
      assertThat(ended.get("snap_interval").asInt()).isZero();
      for (JsonNode s : cluster.node(1).api("GET", "/v1/snapshots?volume=sched", null).body()) {
        assertThat(cluster.node(1).api("DELETE", "/v1/snapshots/" + s.get("name").asText(), null).status()).isBetween(200, 204);
      }
      assertThat(cluster.node(1).api("DELETE", "/v1/volumes/sched", null).status()).isBetween(200, 204);
    } finally {
      watcher.shutdownNow();
      watcher.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitSecondOfMinuteBetween(int from, int to) {
    Poll.until(Duration.ofSeconds(70), "second " + from + "-" + to + " of a minute", () -> {
      int second = Instant.now().atZone(ZoneOffset.UTC).getSecond();
      return second >= from && second <= to;
    });
  }

  private static void awaitTime(Instant when) {
    Duration left = Duration.between(Instant.now(), when);
    Poll.until(left.plusSeconds(5), "the clock to reach " + when, () -> !Instant.now().isBefore(when));
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
}
