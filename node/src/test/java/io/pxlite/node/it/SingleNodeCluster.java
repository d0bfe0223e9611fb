package io.pxlite.node.it;

import java.nio.file.Files;
import java.nio.file.Path;

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
    Path dir = Files.createTempDirectory("pxlite-" + name + "-");
    EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"));
    try {
      return new SingleNodeCluster(dir, etcd, NodeProcess.start(dir.resolve("node"), etcd));
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
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
