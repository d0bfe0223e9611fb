package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Which node has a volume attached, kept in the kvdb so no second host attaches it. {@code purpose}
 * is null for a host attachment and {@link #RESTORE} while a node restores the volume from a snapshot
 * (then no host attaches it, not even on that node).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttachmentRecord(String volumeId, String volumeName, String nodeId, String since, String purpose) {
  public static final String RESTORE = "restore";

  /** A host attachment. */
  public AttachmentRecord(String volumeId, String volumeName, String nodeId, String since) {
    this(volumeId, volumeName, nodeId, since, null);
  }

  public boolean isRestore() {
    return RESTORE.equals(purpose);
  }
}
