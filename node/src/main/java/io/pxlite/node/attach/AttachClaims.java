package io.pxlite.node.attach;

import java.util.Optional;

/**
 * Cluster-wide record of which node has a volume attached, so two hosts never mount one filesystem
 * at once.
 */
public interface AttachClaims {
  /**
   * Records that {@code nodeId} attaches the volume.
   *
   * @throws AttachException (a conflict) naming the node and host that hold it, if another does
   */
  void claim(String volumeId, String volumeName, String nodeId);

  /** Drops this node's claim; another node's claim is left alone. */
  void release(String volumeId, String nodeId);

  /** Ids of the volumes {@code nodeId} holds. */
  java.util.List<String> claimedBy(String nodeId);

  /** The node holding the volume, if any. */
  Optional<String> holder(String volumeId);
}
