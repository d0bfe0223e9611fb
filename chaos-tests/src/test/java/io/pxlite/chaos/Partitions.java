package io.pxlite.chaos;

import io.pxlite.node.it.Cmd;
import io.pxlite.node.it.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Network partitions between nodes on one host, with iptables on loopback.
 *
 * <p>Every node process opens its outgoing TCP connections from 127.0.0.1 whatever its own address,
 * so a rule cannot tell nodes apart by source address. Instead each node JVM runs with its own group
 * id ({@link ChaosCluster} starts it through {@code setpriv --regid=GID}), and a cut from X to Y
 * drops, in OUTPUT on {@code lo}, every TCP packet that a process of X's group sends to Y's address
 * on one of Y's ports (Raft, management API, NBD over TCP). A partition between X and Y is that cut
 * both ways. Port-limited rules leave etcd (on 127.0.0.1, like node 1) reachable for everyone: the
 * partition is between node addresses, not between a node and the kvdb. Packets are dropped, not
 * rejected, as a real partition would: connections hang until their timeouts.
 *
 * <p>Every rule carries the comment {@code pxlite-chaos-<run id>}; {@link #heal()} removes exactly
 * the rules of this run, also from a JVM shutdown hook, and never touches anyone else's.
 */
final class Partitions implements AutoCloseable {
  private static final Duration IPTABLES_TIMEOUT = Duration.ofSeconds(30);

  private final String comment = "pxlite-chaos-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<List<String>> rules = new ArrayList<>();
  private final Thread hook = new Thread(this::sweep, "pxlite-chaos-iptables-cleanup");

  Partitions() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Fails, saying why, unless iptables can add and remove a DROP rule with the owner and comment
   * matches on loopback (needs root and the Debian package iptables).
   */
  static void requireUsable() {
    List<String> probe = List.of("-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", "65533", "-d", "127.0.0.254/32",
        "--dport", "9", "-m", "comment", "--comment", "pxlite-chaos-probe", "-j", "DROP");
    Cmd.Result add;
    try {
      add = iptables("-I", probe);
    } catch (AssertionError e) {
      throw new AssertionError("the chaos suite needs iptables (root, Debian package iptables) to partition nodes on "
          + "loopback: " + e.getMessage(), e);
    }
    if (add.exitCode() != 0) {
      throw new AssertionError("the chaos suite needs iptables (root, Debian package iptables, with the owner and "
          + "comment matches) to partition nodes on loopback; `iptables -I OUTPUT ...` exited " + add.exitCode()
          + ":\n" + add.output());
    }
    Cmd.Result delete = iptables("-D", probe);
    if (delete.exitCode() != 0) {
      throw new AssertionError("iptables added a probe rule but cannot delete it (exit " + delete.exitCode() + "):\n"
          + delete.output() + "\nremove it by hand: iptables -D OUTPUT " + String.join(" ", probe));
    }
  }

  /** The comment on this run's rules. */
  String comment() {
    return comment;
  }

  /** Cuts all traffic between {@code node} and each of {@code others}, both ways. */
  void isolate(ChaosCluster cluster, NodeProcess node, List<NodeProcess> others) {
    for (NodeProcess other : others) {
      cut(cluster, node, other);
      cut(cluster, other, node);
    }
  }

  /** Drops every TCP packet {@code from}'s processes send to {@code to}'s listeners. */
  void cut(ChaosCluster cluster, NodeProcess from, NodeProcess to) {
    for (int port : List.of(to.raftPort(), to.mgmtPort(), to.nbdPort())) {
      List<String> rule = List.of("-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", Integer.toString(cluster.gid(from)),
          "-d", to.address() + "/32", "--dport", Integer.toString(port), "-m", "comment", "--comment", comment, "-j", "DROP");
      synchronized (this) {
        iptables("-I", rule).ok();
        rules.add(rule);
      }
    }
  }

  /** How many rules of this run are in place. */
  synchronized int active() {
    return rules.size();
  }

  /** Removes every rule this run added; fails if one cannot be removed. */
  void heal() {
    List<String> failures = new ArrayList<>();
    synchronized (this) {
      for (List<String> rule : rules) {
        Cmd.Result r = iptables("-D", rule);
        if (r.exitCode() != 0) {
          failures.add(String.join(" ", rule) + ": " + r.output().trim());
        }
      }
      rules.clear();
    }
    sweep();
    if (!failures.isEmpty()) {
      throw new AssertionError("could not remove iptables rules: " + failures);
    }
    List<String> left = listed();
    if (!left.isEmpty()) {
      throw new AssertionError("iptables rules of this run are still in place after healing: " + left);
    }
  }

  /** Deletes whatever rule in OUTPUT still carries this run's comment. */
  private void sweep() {
    for (String line : listed()) {
      List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
      if (words.size() > 2 && words.get(0).equals("-A") && words.get(1).equals("OUTPUT")) {
        iptables("-D", words.subList(2, words.size()));
      }
    }
  }

  private List<String> listed() {
    Cmd.Result r = Cmd.run(IPTABLES_TIMEOUT, "iptables", "-w", "-S", "OUTPUT");
    if (r.exitCode() != 0) {
      return List.of();
    }
    return r.output().lines().filter(l -> l.contains("--comment " + comment + " ") || l.endsWith("--comment " + comment))
        .toList();
  }

  private static Cmd.Result iptables(String op, List<String> rule) {
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", op, "OUTPUT"));
    cmd.addAll(rule);
    return Cmd.run(IPTABLES_TIMEOUT, null, cmd);
  }

  @Override
  public void close() {
    try {
      heal();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs anyway.
      }
    }
  }
}
