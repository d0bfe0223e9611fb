package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Which node has a volume attached, kept in the kvdb so no second host attaches it. {@code purpose}
 * is null for a host attachment, {@link #RESTORE} while a node restores the volume from a snapshot and
 * {@link #CLONE} while a node copies a clone's source into it (then no host attaches it, not even on
 * that node). A clone's claim outlives a restart of its node: left behind, it marks a clone that was
 * cut short, which is to be deleted.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttachmentRecord(String volumeId, String volumeName, String nodeId, String since, String purpose) {
  public static final String RESTORE = "restore";
  public static final String CLONE = "clone";

  /** A host attachment. */
  public AttachmentRecord(String volumeId, String volumeName, String nodeId, String since) {
    this(volumeId, volumeName, nodeId, since, null);
  }

  public boolean isRestore() {
    return RESTORE.equals(purpose);
  }

  public boolean isClone() {
    return CLONE.equals(purpose);
  }
}
