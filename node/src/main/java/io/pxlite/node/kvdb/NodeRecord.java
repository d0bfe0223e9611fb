package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** What a node publishes about itself in the kvdb: identity, addresses, resources and devices. */
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
    String updated) {

  /** One pooled device. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeviceRecord(String id, String path, long capacityBytes, long usedBytes) {}
}
