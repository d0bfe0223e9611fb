package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A snapshot in the kvdb's catalog: its own id and name, and the volume it freezes. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotRecord(String id, String name, String volumeId, String volumeName, long sizeBytes, String ctime) {
  public long numericId() {
    return Long.parseUnsignedLong(id, 16);
  }
}
