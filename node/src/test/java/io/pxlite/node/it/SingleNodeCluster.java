package io.pxlite.node.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/** An etcd and one node in a temporary folder, shared by the tests of one class. */
public final class SingleNodeCluster implements AutoCloseable {
  public final Path dir;
  public final EtcdProcess etcd;
  public final NodeProcess node;

  private SingleNodeCluster(Path dir, EtcdProcess etcd, NodeProcess node) {
    this.dir = dir;
    this.etcd = etcd;
    this.node = node;
  }

  public static SingleNodeCluster start(String name) throws java.io.IOException {
    return start(name, NodeProcess::start);
  }

  /** @param startNode starts the node in the given folder against the etcd (to choose its config) */
  public static SingleNodeCluster start(String name, BiFunction<Path, EtcdProcess, NodeProcess> startNode)
      throws java.io.IOException {
    Path dir = Files.createTempDirectory("pxlite-" + name + "-");
    EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"));
    try {
      return new SingleNodeCluster(dir, etcd, startNode.apply(dir.resolve("node"), etcd));
    } catch (RuntimeException | AssertionError e) {
      etcd.close();
      throw e;
    }
  }

  @Override
  public void close() {
    node.close();
    etcd.close();
    // Left on disk on purpose when a test failed? No: CI machines are small; logs were already printed.
    // Except when something is still mounted below it (a volume a failed Docker test left mounted):
    // walking into a mount would delete the volume's files, or hang on a dead device.
    var mounted = MountInfo.under(dir);
    if (!mounted.isEmpty()) {
      System.err.println("leaving " + dir + " on disk: still mounted below it: " + mounted);
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
