package io.pxlite.api;

import java.util.List;

/**
 * What the management API can do, implemented by the node. The HTTP layer maps routes to these
 * calls and {@link ApiException}s to status codes with a JSON {@code {"error": "..."}} body.
 *
 * <p>Volumes and snapshots are named by name or by id wherever a {@code ref} is taken.
 */
public interface ManagementService {
  StatusView status();

  List<NodeView> nodes();

  NodeView node(String ref);

  VolumeView createVolume(VolumeCreateRequest request);

  List<VolumeView> volumes();

  VolumeView volume(String ref);

  /** Changes a volume's spec; today its size, which may only grow. */
  VolumeView updateVolume(String ref, VolumeUpdateRequest request);

  void deleteVolume(String ref);

  SnapshotView createSnapshot(SnapshotCreateRequest request);

  /** Snapshots of one volume, or of all volumes when {@code volumeRef} is null. */
  List<SnapshotView> snapshots(String volumeRef);

  void deleteSnapshot(String ref);
}
