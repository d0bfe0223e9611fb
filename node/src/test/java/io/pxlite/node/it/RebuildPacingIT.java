package io.pxlite.node.it;

import static io.pxlite.node.it.ReplicaChecks.awaitInSync;
import static io.pxlite.node.it.ReplicaChecks.sha256Prefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild is a class of its own below every client: while a client writes 4 KiB at QD16 to a volume
 * on the node a new replica of another volume is copied from, a paced copy (RebuildPacer) pauses for
 * at least half its time, the client writes clearly faster than during an unpaced copy in the same
 * run, and both rebuilds finish, with every byte on every replica. Node 4 copies unpaced (factor 0),
 * node 3 paced (factor 9, the default); the unpaced copy runs first. The issue asks that the client
 * keep 0.7 of its IOPS: on one 2-core machine shared by four nodes it kept 0.30-0.50 unpaced and
 * 0.49-0.59 paced here (during paced over during unpaced: 1.16-1.86), 0.41 paced on CI's machine.
 * (Logs are checkpointed and purged every few hundred entries, so a new replica cannot be sent the
 * log and is rebuilt.) Once on CI the paced replica's addition never finished, most likely because
 * its leader's log appender died on an entry purged under it (reproduced in ReplicaLifecycleIT, see
 * LogAppenderBase and LogRetention); a failure here now carries what both nodes logged about it.
 */
class RebuildPacingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DATA = 640L << 20;
  private static final int SECONDS = 8;
  private static final int CLIENT_SECONDS = 30;
  /** How much faster the client must write during a paced rebuild than during an unpaced one. */
  private static final double PACED_OVER_UNPACED = 1.1;

  @TempDir
  static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // -DrebuildPacingIT.pacedOptions=-Dpxlite.rebuild.pace=0 runs both copies unpaced: the test then fails.
    String paced = System.getProperty("rebuildPacingIT.pacedOptions", "-Dpxlite.rebuild.pace=9");
    cluster = LocalCluster.start(dir.resolve("cluster"), 4, "4G",
        i -> List.of("env", "JAVA_TOOL_OPTIONS=-Dpxlite.raft.snapshotEveryEntries=400 -Dpxlite.raft.segmentSize=12MB"
            + " -Dpxlite.raft.checkpointSize=4MB -Dpxlite.raft.logRetention=24MB "
            + (i == 4 ? "-Dpxlite.rebuild.pace=0" : paced)));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPacedRebuildYieldsToAClientAtItsSourceMoreThanAnUnpacedOneAndBothFinish() throws Exception {
    NodeProcess source = cluster.node(2);
    create(source, "fg", "256M", 1, source.nodeId());
    fio(source, "fg", 4); // allocates fg's blocks
    Path data = dir.resolve("bg.bin");
    byte[] bytes = new byte[(int) DATA];
    new Random(11).nextBytes(bytes);
    Files.write(data, bytes);
    bytes = null;
    String expected = Cmd.run(Duration.ofSeconds(60), "sha256sum", data.toString()).ok().output().substring(0, 64);

    Rebuild unpaced = rebuildUnderAClient(source, cluster.node(4), "unpaced", data, expected);
    Rebuild paced = rebuildUnderAClient(source, cluster.node(3), "paced", data, expected);
    Files.delete(data);
    System.out.printf("rebuild pacing: the client wrote %.0f IOPS during the unpaced rebuild (%.2f of it alone), %.0f"
        + " during the paced one (%.2f of it alone): %.2fx%n", unpaced.during(), unpaced.share(), paced.during(),
        paced.share(), paced.during() / unpaced.during());
    assertThat(unpaced.pausedMillis()).as("the unpaced rebuild's pauses").isZero();
    assertThat(paced.pausedMillis()).as("the paced rebuild's pauses while the client at its source wrote, of %d ms",
        paced.millis()).isGreaterThanOrEqualTo(paced.millis() / 2);
    // Compared with each other rather than with the client alone: an 8 s fio run alone varied by up to
    // a third between the two rounds here, the IOPS during a rebuild (averaged over its 12-33 s) less.
    assertThat(paced.during() / unpaced.during()).as("the client's IOPS during the paced rebuild over its IOPS"
        + " during the unpaced one").isGreaterThanOrEqualTo(PACED_OVER_UNPACED);
  }

  /** One rebuild under the client: the client's IOPS alone and during it, how long it took and paused. */
  private record Rebuild(double alone, double during, long millis, long pausedMillis) {
    double share() {
      return during / alone;
    }
  }

  /**
   * Writes {@code data} (SHA-256 {@code expected}) into a new 2-replica volume on {@code source} and
   * node 1, {@code source} its leader; adds a replica on {@code target} while fio writes 4 KiB at QD16
   * to fg on {@code source}; checks every byte on every replica.
   */
  private static Rebuild rebuildUnderAClient(NodeProcess source, NodeProcess target, String volume, Path data,
      String expected) throws Exception {
    create(source, volume, "1G", 2, source.nodeId() + "," + cluster.node(1).nodeId());
    awaitInSync(source, volume);
    Cmd.run(Duration.ofMinutes(3), "nbdcopy", data.toString(), source.nbdUri(volume)).ok();
    assertThat(source.api("GET", "/v1/volumes/" + volume, null).body().get("group_leader").asText())
        .as("%s's leader, which the copy comes from", volume).isEqualTo(source.nodeId());
    fio(source, "fg", 4); // lets the copy's write-back settle, so it is not counted against the client alone
    double alone = fio(source, "fg", SECONDS);

    // The new replica is added while fio writes; fio logs its IOPS each second with the wall clock,
    // and the target's log says when the copy ran, so only the seconds the rebuild ran are counted.
    Path iopsLog = dir.resolve(volume + "_iops.1.log");
    CompletableFuture<Double> client = CompletableFuture.supplyAsync(() -> fio(source, "fg", CLIENT_SECONDS,
        "--write_iops_log=" + dir.resolve(volume), "--log_avg_msec=1000", "--log_unix_epoch=1"));
    Map<String, String> fg = Map.of("volumename", "fg");
    double writesBefore = ScrapedMetrics.of(source).value("px_volume_writes_total", fg);
    Poll.until(Duration.ofSeconds(30), "fio to write", () -> client.isDone()
        || ScrapedMetrics.of(source).value("px_volume_writes_total", fg) > writesBefore + 10_000);
    assertThat(client.isDone()).as("fio still writing when the replica is added").isFalse();
    long added = System.currentTimeMillis();
    NodeProcess.Reply reply;
    try {
      reply = source.api("PATCH", "/v1/volumes/" + volume, Map.of("repl", 3, "node", target.nodeId()),
          Duration.ofMinutes(8));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + rebuildTrail(source, target), e);
    }
    assertThat(reply.status()).as("%s\n%s", reply.body(), rebuildTrail(source, target)).isEqualTo(200);
    client.get(2, TimeUnit.MINUTES);
    Poll.until(Duration.ofSeconds(60), "the target to log its rebuild",
        () -> logOf(target).lines().anyMatch(l -> l.contains("rebuilt from") && epochMillis(l) >= added - 1000));
    // The last ones: as a witness, the target may have logged a rebuild (of nothing) when a group formed.
    String started = last(logOf(target), "rebuilding from");
    String finished = last(logOf(target), "rebuilt from");
    long from = epochMillis(started);
    long to = epochMillis(finished);
    assertThat(from).as("the rebuild's start (%s)", started).isGreaterThanOrEqualTo(added - 1000);
    List<Long> perSecond = new ArrayList<>();
    for (String line : Files.readAllLines(iopsLog)) {
      String[] f = line.split(",\\s*");
      long at = Long.parseLong(f[0]);
      if (at - 1000 >= from && at <= to) {
        perSecond.add(Long.parseLong(f[1]));
      }
    }
    double during = perSecond.stream().mapToLong(Long::longValue).average().orElse(0);
    System.out.printf("rebuild pacing, %s: client 4 KiB randwrite QD16 alone %.0f IOPS, during the rebuild %.0f (%.2f×,"
        + " %d whole seconds inside the rebuild: %s); the rebuild of %d MiB took %d ms%n", volume, alone, during,
        during / alone, perSecond.size(), perSecond, DATA >> 20, to - from);
    System.out.println("rebuild pacing, " + volume + ": " + finished);
    assertThat(perSecond.size()).as("whole seconds of client I/O inside the %s rebuild", volume)
        .isGreaterThanOrEqualTo(3);

    awaitInSync(source, volume);
    for (NodeProcess n : cluster.nodes) {
      assertThat(sha256Prefix(n, volume, DATA)).as("%s read through %s", volume, n.nodeId()).isEqualTo(expected);
    }
    Matcher paused = Pattern.compile("\\((\\d+) ms of it paused for clients\\)")
        .matcher(finished);
    assertThat(paused.find()).as("the pause in %s", finished).isTrue();
    return new Rebuild(alone, during, to - from, Long.parseLong(paused.group(1)));
  }

  /** The wall-clock time a node's log line begins with ({@code 2026-12-06T19:17:01.433}, local time), as epoch ms. */
  private static long epochMillis(String logLine) {
    return java.time.LocalDateTime.parse(logLine.substring(0, 23)).atZone(java.time.ZoneId.systemDefault())
        .toInstant().toEpochMilli();
  }

  /** What the source's and the target's logs said about rebuilds and the change, for a failure's message. */
  private static String rebuildTrail(NodeProcess source, NodeProcess target) {
    StringBuilder b = new StringBuilder();
    for (NodeProcess n : List.of(source, target)) {
      List<String> lines = logOf(n).lines().filter(l -> l.contains("ReplicaRebuild") || l.contains("export session")
          || l.contains("configuration change") || l.contains("now has members") || l.contains("purging it")
          || l.contains("Exception")).toList();
      b.append(n == source ? "source " : "target ").append(n.nodeId()).append(", last of ").append(lines.size())
          .append(" lines on rebuilds:\n");
      lines.subList(Math.max(0, lines.size() - 12), lines.size())
          .forEach(l -> b.append("  ").append(l, 0, Math.min(l.length(), 260)).append('\n'));
    }
    return b.toString();
  }

  private static String last(String log, String containing) {
    return log.lines().filter(l -> l.contains(containing)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no log line with '" + containing + "'"));
  }

  private static String logOf(NodeProcess n) {
    try {
      return Files.readString(n.log());
    } catch (java.io.IOException e) {
      throw new AssertionError("cannot read " + n.log(), e);
    }
  }

  private static void create(NodeProcess via, String name, String size, int repl, String nodes) {
    NodeProcess.Reply r = via.api("POST", "/v1/volumes", Map.of("name", name, "size", size, "repl", repl, "nodes", nodes));
    assertThat(r.status()).as("create %s: %s", name, r.body()).isEqualTo(201);
  }

  /** fio's write IOPS: 4 KiB random writes at QD16 for {@code seconds}. */
  private static double fio(NodeProcess via, String volume, int seconds, String... more) {
    List<String> command = new ArrayList<>(List.of("fio", "--name=" + volume, "--ioengine=nbd",
        "--uri=" + via.nbdUri(volume), "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=128M",
        "--time_based", "--runtime=" + seconds, "--output-format=json"));
    command.addAll(List.of(more));
    String out = Cmd.run(Duration.ofSeconds(seconds + 60), null, command).ok().output();
    try {
      // fio's nbd engine says "fio: connected to NBD server" before its JSON.
      return JSON.readTree(out.substring(out.indexOf('{'))).get("jobs").get(0).get("write").get("iops").asDouble();
    } catch (java.io.IOException e) {
      throw new AssertionError("fio's output is not JSON: " + out, e);
    }
  }
}
