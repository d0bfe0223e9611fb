package io.pxlite.node.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * A real etcd and N real nodes of one cluster on 127.0.0.1, .2, .3, ... (each node binds its own
 * loopback address), as on several hosts.
 */
public final class LocalCluster implements AutoCloseable {
  public final EtcdProcess etcd;
  public final List<NodeProcess> nodes = new ArrayList<>();

  private LocalCluster(EtcdProcess etcd) {
    this.etcd = etcd;
  }

  public static LocalCluster start(Path dir, int size) throws IOException {
    return start(dir, size, "2G", i -> List.of());
  }

  /**
   * A cluster whose nodes have devices of {@code deviceSize} and run through {@code launcher.apply(i)}
   * (words before node i's java command, see {@link NodeProcess#startAt(Path, EtcdProcess, String, String,
   * String, List)}).
   */
  public static LocalCluster start(Path dir, int size, String deviceSize, IntFunction<List<String>> launcher)
      throws IOException {
    return start(dir, size, deviceSize, launcher, i -> dir.resolve("node" + i));
  }

  /**
   * Like {@link #start(Path, int, String, IntFunction)}, with node i's data dir and device under
   * {@code storage.apply(i)} (e.g. a test disk that can lose power); its config and log stay in
   * {@code <dir>/node<i>}.
   */
  public static LocalCluster start(Path dir, int size, String deviceSize, IntFunction<List<String>> launcher,
      IntFunction<Path> storage) throws IOException {
    Files.createDirectories(dir);
    LocalCluster cluster = new LocalCluster(EtcdProcess.start(dir.resolve("etcd")));
    String clusterId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      for (int i = 1; i <= size; i++) {
        cluster.nodes.add(NodeProcess.startAt(dir.resolve("node" + i), cluster.etcd, clusterId, deviceSize,
            "127.0.0." + i, launcher.apply(i), storage.apply(i)));
      }
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  public NodeProcess node(int i) {
    return nodes.get(i - 1);
  }

  /** The node whose id is {@code nodeId}. */
  public NodeProcess byId(String nodeId) {
    return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + nodeId + " in this cluster"));
  }

  public Optional<NodeProcess> other(NodeProcess... not) {
    return nodes.stream().filter(n -> List.of(not).stream().noneMatch(x -> x == n)).findFirst();
  }

  @Override
  public void close() {
    for (NodeProcess n : nodes) {
      n.close();
    }
    etcd.close();
  }
}
