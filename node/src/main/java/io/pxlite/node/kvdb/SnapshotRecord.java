package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A snapshot in the kvdb's catalog: its own id and name, the volume it freezes, and who made it:
 * {@code creator} is the kind of schedule that took it ({@code periodic}, {@code daily}, …), or null
 * for one a user asked for.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotRecord(String id, String name, String volumeId, String volumeName, long sizeBytes, String ctime,
    String creator) {
  public long numericId() {
    return Long.parseUnsignedLong(id, 16);
  }

  /** Who made it, as pxctl shows it: {@code manual}, or {@code schedule (daily)}. */
  public String createdBy() {
    return creator == null ? "manual" : "schedule (" + creator + ")";
  }
}
