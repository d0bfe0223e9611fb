package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A cluster member as registered in the kvdb. {@code status} is online or offline (from its lease). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeView(
    String id,
    String mgmtIp,
    String dataIp,
    String status,
    int cpus,
    long memTotalBytes,
    long memFreeBytes,
    long capacityBytes,
    long freeBytes,
    int volumes,
    List<DeviceView> devices) {

  /** One pooled device of a node. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record DeviceView(String id, String path, long capacityBytes, long usedBytes) {}
}
