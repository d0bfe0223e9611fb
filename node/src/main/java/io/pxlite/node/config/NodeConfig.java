package io.pxlite.node.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A node's validated configuration (PX's config.json plus what several nodes on one host need).
 *
 * @param kvdbEndpoints etcd endpoints, as http(s) URIs
 * @param mgmtIp address the management API's TCP listener binds
 * @param dataIp address the Raft and (optional) NBD TCP listeners bind
 * @param devices devices or files to pool; files that do not exist are created at {@code deviceSizeBytes}
 * @param nbdPort TCP port for NBD on {@code dataIp}, if NBD over TCP is wanted
 * @param dockerPluginSocket where the Docker volume plugin listens, if this node serves it
 * @param mountsDir where volumes are mounted for Docker ({@code <mountsDir>/<volume name>})
 */
public record NodeConfig(
    String clusterId,
    List<URI> kvdbEndpoints,
    String mgmtIp,
    String dataIp,
    Path dataDir,
    List<Path> devices,
    long deviceSizeBytes,
    int mgmtPort,
    int raftPort,
    Optional<Integer> nbdPort,
    Path apiSocket,
    Path nbdSocket,
    Optional<Path> dockerPluginSocket,
    Path mountsDir) {

  public static final int DEFAULT_MGMT_PORT = 9001;
  public static final int DEFAULT_RAFT_PORT = 9002;
  public static final long DEFAULT_DEVICE_SIZE = 8L << 30;

  public NodeConfig {
    kvdbEndpoints = List.copyOf(kvdbEndpoints);
    devices = List.copyOf(devices);
  }
}
