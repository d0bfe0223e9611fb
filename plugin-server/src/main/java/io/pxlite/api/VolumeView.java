package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A volume as the API shows it (PX's volume model: spec, usage, state, replica set, attach info).
 *
 * @param state pending, available, attached, detached, error, deleted
 * @param status up, down, degraded
 * @param attachedOn the node id the volume is attached on, or null
 * @param nbdUri how to reach the volume's NBD export on this node
 * @param devicePath the block device when attached on the node that answered, else null
 * @param attachPath where it is mounted on the node that answered
 * @param groupLeader the node leading the volume's replica group (only in a single volume's view)
 * @param replicaStates each replica's state (only in a single volume's view; empty in lists)
 * @param ioLimits the volume's IOPS and bandwidth limits (0 = none)
 * @param snapSchedules its snapshot schedules as PX writes them ({@code periodic 60,5}, {@code daily 02:00,7})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeView(
    String id,
    String name,
    long sizeBytes,
    int repl,
    String fs,
    int blockSize,
    String ioPriority,
    int snapInterval,
    Map<String, String> labels,
    String ctime,
    String state,
    String status,
    long usedBytes,
    long snapshotBytes,
    String replicaGroup,
    List<String> replicas,
    String attachedOn,
    String nbdUri,
    long checksumErrors,
    String devicePath,
    List<String> attachPath,
    String groupLeader,
    List<ReplicaStateView> replicaStates,
    IoLimits ioLimits,
    List<String> snapSchedules) {

  /**
   * One replica of a volume.
   *
   * @param state {@code in sync}, {@code catching up} (from the log), {@code rebuilding} (a full copy
   *     from another replica), {@code unhealthy} (its node's store failed), or {@code down}
   * @param logIndex how far this replica has the group's log (-1 when unknown)
   * @param commitIndex how far the group has committed it
   * @param rebuildCopiedBytes while rebuilding: bytes copied so far (else 0)
   * @param rebuildTotalBytes while rebuilding: about how many bytes the copy has (else 0)
   * @param reason why it is unhealthy, naming the failed device (else null)
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record ReplicaStateView(String node, String state, long logIndex, long commitIndex, long rebuildCopiedBytes,
      long rebuildTotalBytes, String reason) {
    public ReplicaStateView(String node, String state, long logIndex, long commitIndex) {
      this(node, state, logIndex, commitIndex, 0, 0, null);
    }

    /** This replica, seen rebuilding. */
    public ReplicaStateView rebuilding(long copiedBytes, long totalBytes) {
      return new ReplicaStateView(node, "rebuilding", logIndex, commitIndex, copiedBytes, totalBytes, null);
    }

    /** This replica, on a node whose store failed. */
    public ReplicaStateView unhealthy(String why) {
      return new ReplicaStateView(node, "unhealthy", logIndex, commitIndex, 0, 0, why);
    }
  }
}
