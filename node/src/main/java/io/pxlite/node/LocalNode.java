package io.pxlite.node;

import com.sun.management.OperatingSystemMXBean;
import io.pxlite.node.config.NodeConfig;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceUsage;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;

/** This node as the cluster sees it: identity, addresses and current resources, as a kvdb record. */
public final class LocalNode {
  private final String nodeId;
  private final NodeConfig config;
  private final BlockStore store;

  public LocalNode(String nodeId, NodeConfig config, BlockStore store) {
    this.nodeId = nodeId;
    this.config = config;
    this.store = store;
  }

  public String id() {
    return nodeId;
  }

  /**
   * Why this node's block store stopped accepting changes, naming the failed device ("healthy"
   * stores: empty). Every replica here is then unhealthy; volumes whose replicas are elsewhere are not.
   */
  public java.util.Optional<String> storeFailure() {
    return store.failure().map(f -> (f.device() != null
        ? "device " + f.device() + " (" + f.deviceId() + ") failed; this node's replicas stop applying: "
        : "the block store failed; this node's replicas stop applying: ") + f.reason());
  }

  public String raftAddress() {
    return config.dataIp() + ":" + config.raftPort();
  }

  public NodeRecord record() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<DeviceUsage> devices = store.devices();
    long capacity = devices.stream().mapToLong(DeviceUsage::capacityBytes).sum();
    long used = devices.stream().mapToLong(DeviceUsage::usedBytes).sum();
    return new NodeRecord(
        nodeId,
        config.mgmtIp(),
        config.dataIp(),
        config.mgmtPort(),
        raftAddress(),
        Runtime.getRuntime().availableProcessors(),
        os.getTotalMemorySize(),
        os.getFreeMemorySize(),
        capacity,
        capacity - used,
        devices.stream()
            .map(d -> new NodeRecord.DeviceRecord(d.deviceId(), d.path().toString(), d.capacityBytes(), d.usedBytes()))
            .toList(),
        Instant.now().toString(),
        storeFailure().orElse(null));
  }
}
