package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What a node publishes about itself in the kvdb: identity, addresses, resources and devices, and
 * why its block store failed ({@code storeFailure}, naming the device; null while it is healthy) —
 * so that every node can show that node's replicas unhealthy and place no new replica there.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeRecord(
    String id,
    String mgmtIp,
    String dataIp,
    int mgmtPort,
    String raftAddress,
    int cpus,
    long memTotalBytes,
    long memFreeBytes,
    long capacityBytes,
    long freeBytes,
    List<DeviceRecord> devices,
    String updated,
    String storeFailure) {

  /** A node with a healthy store. */
  public NodeRecord(String id, String mgmtIp, String dataIp, int mgmtPort, String raftAddress, int cpus,
      long memTotalBytes, long memFreeBytes, long capacityBytes, long freeBytes, List<DeviceRecord> devices,
      String updated) {
    this(id, mgmtIp, dataIp, mgmtPort, raftAddress, cpus, memTotalBytes, memFreeBytes, capacityBytes, freeBytes,
        devices, updated, null);
  }

  /** One pooled device. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeviceRecord(String id, String path, long capacityBytes, long usedBytes) {}
}
