package io.pxlite.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.node.it.AckedWriteChecker;
import io.pxlite.node.it.Cmd;
import io.pxlite.node.it.LocalCluster;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Three real nodes (127.0.0.1-3) and a real etcd for fault injection, each node JVM with its own
 * group id so that {@link Partitions} can cut its traffic, plus what every scenario needs: who leads a
 * volume's group, waiting for every replica to be in sync, checking acknowledged writes through every
 * node, and comparing the replicas byte for byte.
 */
final class ChaosCluster implements AutoCloseable {
  static final Duration IN_SYNC = Duration.ofSeconds(60);

  final Path dir;
  final LocalCluster cluster;
  private final int gidBase;
  private final Set<NodeProcess> paused = ConcurrentHashMap.newKeySet();

  private ChaosCluster(Path dir, LocalCluster cluster, int gidBase) {
    this.dir = dir;
    this.cluster = cluster;
    this.gidBase = gidBase;
  }

  /**
   * Starts a 3-node cluster under {@code <pxlite.chaos.dir>/<name>} (wiped first), with devices of
   * {@code deviceSize}. Each node runs as group {@code gidBase + i} (random per run, so concurrent
   * runs on one host do not share groups) through {@code setpriv} from util-linux.
   */
  static ChaosCluster start(String name, String deviceSize) throws IOException {
    return start(name, deviceSize, null);
  }

  /** The folder a scenario named {@code name} runs in (its nodes' configs and logs). */
  static Path dirOf(String name) {
    return Path.of(System.getProperty("pxlite.chaos.dir", "target/chaos")).toAbsolutePath().resolve(name);
  }

  /**
   * Like {@link #start(String, String)}, with node i's data dir and device under {@code storage.apply(i)}
   * (e.g. a {@link FaultyDisk}'s mount, outside {@link #dirOf}), or in its own folder when {@code storage}
   * is null.
   */
  static ChaosCluster start(String name, String deviceSize, IntFunction<Path> storage) throws IOException {
    return start(name, deviceSize, storage, i -> List.of());
  }

  /**
   * Like {@link #start(String, String, IntFunction)}, with {@code wrapper.apply(i)} put between node
   * i's {@code setpriv} and its java command (e.g. {@code env LD_PRELOAD=...}); it must exec java.
   */
  static ChaosCluster start(String name, String deviceSize, IntFunction<Path> storage,
      IntFunction<List<String>> wrapper) throws IOException {
    Path dir = dirOf(name);
    Cmd.Result setpriv;
    try {
      setpriv = Cmd.run(Duration.ofSeconds(10), "setpriv", "--regid=65533", "--clear-groups", "--", "true");
    } catch (AssertionError e) {
      throw new AssertionError("the chaos suite runs each node with its own group id through setpriv (Debian package "
          + "util-linux), as root: " + e.getMessage(), e);
    }
    if (setpriv.exitCode() != 0) {
      throw new AssertionError("the chaos suite runs each node with its own group id through `setpriv --regid=N "
          + "--clear-groups` (util-linux), which needs root; it exited " + setpriv.exitCode() + ": " + setpriv.output());
    }
    deleteTree(dir);
    int gidBase = 40_000 + 10 * ThreadLocalRandom.current().nextInt(2_000);
    IntFunction<List<String>> launcher = i -> {
      List<String> words = new ArrayList<>(List.of("setpriv", "--regid=" + (gidBase + i), "--clear-groups", "--"));
      words.addAll(wrapper.apply(i));
      return words;
    };
    LocalCluster cluster = storage == null ? LocalCluster.start(dir, 3, deviceSize, launcher)
        : LocalCluster.start(dir, 3, deviceSize, launcher, storage);
    return new ChaosCluster(dir, cluster, gidBase);
  }

  List<NodeProcess> nodes() {
    return cluster.nodes;
  }

  NodeProcess node(int i) {
    return cluster.node(i);
  }

  NodeProcess byId(String nodeId) {
    return cluster.byId(nodeId);
  }

  /** The group id node {@code n}'s JVM runs as. */
  int gid(NodeProcess n) {
    int i = cluster.nodes.indexOf(n);
    if (i < 0) {
      throw new IllegalArgumentException("not a node of this cluster: " + n.address());
    }
    return gidBase + i + 1;
  }

  /** The nodes other than {@code not}, in order. */
  List<NodeProcess> others(NodeProcess... not) {
    return cluster.nodes.stream().filter(n -> List.of(not).stream().noneMatch(x -> x == n)).toList();
  }

  // ------------------------------------------------------------------ volumes

  JsonNode create(NodeProcess via, String name, String size, int repl) {
    NodeProcess.Reply reply = via.api("POST", "/v1/volumes", Map.of("name", name, "size", size, "repl", repl));
    if (reply.status() != 201) {
      throw new AssertionError("create " + name + " (" + size + ", repl " + repl + ") -> " + reply.status() + " " + reply.body());
    }
    return reply.body();
  }

  /** The volume as {@code via} shows it (with its group's leader and replica states). */
  JsonNode inspect(NodeProcess via, String volume) {
    NodeProcess.Reply r = via.api("GET", "/v1/volumes/" + volume, null);
    if (r.status() != 200) {
      throw new AssertionError("GET /v1/volumes/" + volume + " on " + via.address() + " -> " + r.status() + " " + r.body());
    }
    return r.body();
  }

  /** The group leader {@code via} sees, if any. */
  Optional<String> leaderSeenBy(NodeProcess via, String volume) {
    JsonNode leader = inspect(via, volume).get("group_leader");
    return leader == null || leader.isNull() ? Optional.empty() : Optional.of(leader.asText());
  }

  /** Waits until {@code via} sees a leader for the volume's group, and returns that node. */
  NodeProcess leaderOf(NodeProcess via, String volume) {
    return byId(Poll.succeeds(Duration.ofSeconds(30), "a leader for " + volume + " seen by " + via.address(),
        () -> leaderSeenBy(via, volume).orElseThrow(() -> new AssertionError("no leader yet"))));
  }

  /** Waits until {@code via} sees a leader other than {@code not}; returns it. */
  NodeProcess awaitLeaderOtherThan(NodeProcess via, String volume, NodeProcess not, Duration timeout) {
    String notId = not.nodeId();
    return byId(Poll.succeeds(timeout, "a leader for " + volume + " other than " + not.address() + " seen by " + via.address(),
        () -> leaderSeenBy(via, volume).filter(l -> !l.equals(notId))
            .orElseThrow(() -> new AssertionError("leader is still " + not.address() + " or none"))));
  }

  /** Waits until {@code via} reports every replica of the volume "in sync". */
  void awaitInSync(NodeProcess via, String volume) {
    awaitInSync(via, volume, IN_SYNC);
  }

  void awaitInSync(NodeProcess via, String volume, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    try {
      Poll.until(timeout, "every replica of " + volume + " in sync (seen by " + via.address() + ")", () -> {
        NodeProcess.Reply r = via.api("GET", "/v1/volumes/" + volume, null);
        if (r.status() != 200) {
          return false;
        }
        last[0] = r.body().get("replica_states");
        for (JsonNode s : r.body().get("replica_states")) {
          if (!s.get("state").asText().equals("in sync")) {
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last replica_states: " + last[0] + lastWarnings(), e);
    }
  }

  /**
   * The last warnings and errors in every node's log (the lagging
   * replica's, its leader's appender), so that a CI report, which shows only the failure messages,
   * says what held the replica back.
   */
  private String lastWarnings() {
    StringBuilder s = new StringBuilder();
    for (NodeProcess n : cluster.nodes) {
      s.append("; last warnings of ").append(n.address()).append(" (").append(n.nodeId(), 0, 8).append("):");
      try (var lines = Files.lines(n.log())) {
        List<String> warnings = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        warnings.subList(Math.max(0, warnings.size() - 4), warnings.size())
            .forEach(l -> s.append(" | ").append(l, 0, Math.min(l.length(), 250)));
      } catch (IOException | UncheckedIOException e) {
        s.append(" (log unreadable: ").append(e.getMessage()).append(')');
      }
    }
    return s.toString();
  }

  /**
   * Waits until {@code via} reports every replica's log as far as the commit index, whatever state it
   * shows (a replica shown "down" because it is not registered in the kvdb may hold everything).
   */
  void awaitCaughtUp(NodeProcess via, String volume) {
    JsonNode[] last = new JsonNode[1];
    try {
      Poll.until(IN_SYNC, "every replica of " + volume + " caught up with the log (seen by " + via.address() + ")", () -> {
        NodeProcess.Reply r = via.api("GET", "/v1/volumes/" + volume, null);
        if (r.status() != 200) {
          return false;
        }
        last[0] = r.body().get("replica_states");
        for (JsonNode s : r.body().get("replica_states")) {
          if (s.get("commit_index").asLong() < 0 || s.get("log_index").asLong() < s.get("commit_index").asLong()) {
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last replica_states: " + last[0], e);
    }
  }

  /**
   * Connections to the volume's export for a writer: the first through {@code order[0]} (the node the
   * scenario attaches the writer to); after that, through the first node of {@code order} that is
   * running and accepts one. Each tries for up to 60 s (nodes may be restarting).
   */
  Supplier<NbdClient> connector(String volume, List<NodeProcess> order) {
    boolean[] first = {true};
    return () -> {
      List<NodeProcess> candidates = first[0] ? order.subList(0, 1) : order;
      first[0] = false;
      return connectAny(volume, candidates);
    };
  }

  /**
   * A connection to the volume's export on {@code n}, retried for up to 60 s. A node that is behind
   * on the log refuses an export whose volume it has not applied yet ("no export named ..."), even
   * when the leader already reports it "in sync"; the wait is printed.
   */
  NbdClient connect(NodeProcess n, String volume) {
    long start = System.nanoTime();
    NbdClient c = connectAny(volume, List.of(n));
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (waited > 1_000) {
      System.out.printf("chaos: note: %s served export %s only after %d ms of retries%n", n.address(), volume, waited);
    }
    return c;
  }

  private NbdClient connectAny(String volume, List<NodeProcess> order) {
    return Poll.succeeds(Duration.ofSeconds(60), "an NBD connection to " + volume, () -> {
      List<String> refused = new ArrayList<>();
      for (NodeProcess n : order) {
        if (!n.isAlive() || paused.contains(n)) {
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

  /**
   * Makes {@code target} the leader of the volume's group. pxlite moves a group's leadership to a
   * replica node when an NBD client opens the volume there (at most every 30 s per node and group),
   * so this opens connections on {@code target} until it reports itself leader.
   */
  void leadOn(String volume, NodeProcess target, Duration timeout) {
    ChaosSummary.step("moving the leadership of %s's group to %s", volume, target.address());
    Poll.until(timeout, target.address() + " to lead the group of " + volume, () -> {
      if (leaderSeenBy(target, volume).filter(target.nodeId()::equals).isPresent()) {
        return true;
      }
      try (NbdClient c = NbdClient.connect(target.nbdSocket(), volume)) {
        c.size();
      } catch (IOException e) {
        // Not served yet; try again.
      }
      return false;
    });
  }

  // ------------------------------------------------------------------ checks

  /**
   * Reads the volume through every node (each reads its own replica), checks every block against what
   * the checker recorded, and compares the replicas byte for byte; adds the bytes and bad blocks to
   * the scenario's row. Fails if any acknowledged write is gone or the replicas differ.
   */
  void verifyOnEveryNode(AckedWriteChecker checker, String volume) throws Exception {
    List<String> problems = new ArrayList<>();
    Map<NodeProcess, String> sums = new LinkedHashMap<>();
    boolean whole = true;
    for (NodeProcess n : cluster.nodes) {
      AckedWriteChecker.Verification v;
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (NbdClient c = connect(n, volume)) {
        v = checker.check(c, sha);
        whole &= v.bytesVerified() == c.size();
      } catch (AssertionError e) {
        throw new AssertionError("checking " + volume + " through " + n.address() + ": " + e.getMessage(), e);
      }
      sums.put(n, HexFormat.of().formatHex(sha.digest()));
      ChaosSummary.row().verified(v.bytesVerified(), v.bad());
      if (!v.clean()) {
        problems.add(n.address() + " (" + n.nodeId() + "): " + v.lost() + " lost, " + v.corrupt() + " corrupt: " + v.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("acknowledged writes of " + volume + " are not all there: " + problems);
    }
    if (whole) {
      assertIdentical(volume, sums);
    } else {
      assertReplicasIdentical(volume);
    }
    ChaosSummary.step("%s: every acknowledged write is there on all %d replicas, and they are identical", volume,
        cluster.nodes.size());
  }

  /** SHA-256 of the whole volume read through each node (from its own replica). */
  Map<NodeProcess, String> digests(String volume) throws Exception {
    Map<NodeProcess, String> out = new LinkedHashMap<>();
    for (NodeProcess n : cluster.nodes) {
      out.put(n, digest(n, volume));
    }
    return out;
  }

  /** Fails unless every node's replica of the volume is byte-identical; adds the bytes read to the row. */
  void assertReplicasIdentical(String volume) throws Exception {
    assertIdentical(volume, digests(volume));
  }

  private static void assertIdentical(String volume, Map<NodeProcess, String> sums) {
    if (sums.values().stream().distinct().count() != 1) {
      StringBuilder s = new StringBuilder("replicas of " + volume + " differ:");
      sums.forEach((n, d) -> s.append("\n  ").append(n.address()).append(" (").append(n.nodeId()).append("): ").append(d));
      throw new AssertionError(s.toString());
    }
  }

  private String digest(NodeProcess n, String volume) throws Exception {
    final int chunk = 1 << 20;
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (NbdClient c = connect(n, volume)) {
      long size = c.size();
      Deque<CompletableFuture<ByteBuffer>> window = new ArrayDeque<>();
      long next = 0;
      while (next < size || !window.isEmpty()) {
        while (next < size && window.size() < 8) {
          window.add(c.read(next, (int) Math.min(chunk, size - next)));
          next += chunk;
        }
        try {
          sha.update(window.poll().get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("reading " + volume + " through " + n.address() + " (its own replica) failed: "
              + e.getCause(), e.getCause());
        }
      }
      ChaosSummary.row().verified(size, 0);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  // ------------------------------------------------------------------ faults and recovery

  /** SIGSTOP. */
  void pause(NodeProcess n) {
    n.pause();
    paused.add(n);
  }

  /** SIGCONT. */
  void resume(NodeProcess n) {
    if (paused.remove(n)) {
      n.resume();
    }
  }

  boolean isPaused(NodeProcess n) {
    return paused.contains(n);
  }

  /** {@code GET /v1/status} on {@code n}. */
  JsonNode status(NodeProcess n) {
    NodeProcess.Reply r = n.api("GET", "/v1/status", null);
    if (r.status() != 200) {
      throw new AssertionError("GET /v1/status on " + n.address() + " -> " + r.status() + " " + r.body());
    }
    return r.body();
  }

  /** Whether {@code n} is registered in the kvdb ("healthy") and sees all nodes online. */
  boolean healthyAndAllOnline(NodeProcess n) {
    try {
      JsonNode s = status(n);
      return "healthy".equals(s.path("health").asText()) && s.path("nodes_online").asInt() == cluster.nodes.size();
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Waits until every node is registered in the kvdb and sees every node online. */
  void awaitAllOnline(Duration timeout) {
    Poll.until(timeout, "every node registered in the kvdb and all " + cluster.nodes.size() + " online",
        () -> cluster.nodes.stream().allMatch(this::healthyAndAllOnline));
  }

  /**
   * Starts {@code n} (stopped or killed) and returns how long it took from its process start to its
   * first served NBD read of {@code volume} (4 KiB at offset 0); adds it to the scenario's row.
   */
  long startAndTimeToServe(NodeProcess n, String volume) {
    long start = System.nanoTime();
    n.start();
    Poll.succeeds(Duration.ofSeconds(60), n.address() + " to serve a read of " + volume + " after its restart", () -> {
      try (NbdClient c = NbdClient.connect(n.nbdSocket(), volume)) {
        return c.read(0, 4096).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e.toString(), e);
      }
    });
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    ChaosSummary.row().servedAfterRestart(millis);
    ChaosSummary.step("%s served %s %d ms after its process started", n.address(), volume, millis);
    return millis;
  }

  /**
   * Undoes what a scenario did on purpose (also after a failure): resumes the nodes it paused and
   * starts the ones it stopped. It heals nothing the scenario should have left healthy: a node that
   * does not register in the kvdb again by itself within 30 s fails the check, naming the node, so
   * a scenario after which a node does not come back is reported rather than repaired.
   */
  void ensureHealthy() {
    for (NodeProcess n : List.copyOf(paused)) {
      resume(n);
    }
    for (NodeProcess n : cluster.nodes) {
      if (!n.isAlive()) {
        n.start();
      }
    }
    try {
      awaitAllOnline(Duration.ofSeconds(30));
    } catch (AssertionError e) {
      List<String> unhealthy = new ArrayList<>();
      for (NodeProcess n : cluster.nodes) {
        try {
          JsonNode s = status(n);
          if (!healthyAndAllOnline(n)) {
            unhealthy.add(n.address() + " (" + n.nodeId() + "): health " + s.path("health").asText() + ", "
                + s.path("nodes_online").asInt() + " of " + cluster.nodes.size() + " nodes online");
          }
        } catch (AssertionError down) {
          unhealthy.add(n.address() + " (" + n.nodeId() + "): " + down.getMessage());
        }
      }
      throw new AssertionError("after the scenario, these nodes did not come back healthy by themselves within 30 s: "
          + unhealthy, e);
    }
  }

  /** The last lines of every node's log. */
  String logTails() {
    StringBuilder s = new StringBuilder();
    for (NodeProcess n : cluster.nodes) {
      s.append("---- ").append(n.log()).append(" (").append(n.address()).append(") ----\n").append(n.logTail()).append('\n');
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (NodeProcess n : List.copyOf(paused)) {
      resume(n);
    }
    cluster.close();
    if (ChaosSummary.anyFailed() || Boolean.getBoolean("pxlite.chaos.keepLogs")) {
      System.out.println("chaos: keeping " + dir + " (node logs)");
    } else {
      try {
        deleteTree(dir);
      } catch (IOException e) {
        System.err.println("chaos: could not remove " + dir + ": " + e.getMessage());
      }
    }
  }

  /** Deletes {@code dir} and everything under it (links themselves, not what they point at). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
