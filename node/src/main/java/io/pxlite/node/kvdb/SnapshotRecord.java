package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A snapshot in the kvdb's catalog: its own id and name, the volume it freezes, and who made it:
 * {@code creator} is the kind of schedule that took it ({@code periodic}, {@code daily}, …),
 * {@link #CLONE} for the one a clone of a live volume copies from while it runs, or null for one a
 * user asked for.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotRecord(String id, String name, String volumeId, String volumeName, long sizeBytes, String ctime,
    String creator) {
  public static final String CLONE = "clone";

  public long numericId() {
    return Long.parseUnsignedLong(id, 16);
  }

  /** Who made it, as pxctl shows it: {@code manual}, {@code clone}, or {@code schedule (daily)}. */
  public String createdBy() {
    return creator == null ? "manual" : CLONE.equals(creator) ? CLONE : "schedule (" + creator + ")";
  }
}
