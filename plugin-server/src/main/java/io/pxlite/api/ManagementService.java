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

  /**
   * Removes a node from the cluster ({@code pxctl cluster delete}) after handing each of its replicas
   * (and witness roles) to another node; refused when a replica has nowhere to go.
   */
  void deleteNode(String ref);

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

  /**
   * Brings a volume back to one of its snapshots (name or id): afterwards it reads as the snapshot
   * did, zeros past the snapshot's size. Refused while the volume is attached; no host may attach it
   * until the restore is done ({@code pxctl volume restore}).
   */
  VolumeRestoreView restoreVolume(String volumeRef, VolumeRestoreRequest request);

  /**
   * Makes a new volume that reads as {@code sourceRef} (a volume, as it is now, or a snapshot, by name
   * or id) did, with its size, replication and I/O policy, and independent of it from then on
   * ({@code pxctl volume clone}). No host may attach the new volume until the copy is done.
   */
  VolumeView cloneVolume(String sourceRef, VolumeCloneRequest request);

  /** Attaches the volume's export as a block device on this node ({@code pxctl host attach}). */
  HostAttachmentView attach(String volumeRef);

  /** Detaches the volume from this node; refused while it is mounted ({@code pxctl host detach}). */
  HostAttachmentView detach(String volumeRef);

  /** Attaches if needed, formats on first use and mounts at {@code path} ({@code pxctl host mount}). */
  HostAttachmentView mount(String volumeRef, HostMountRequest request);

  /**
   * Unmounts the volume from {@code path} (from every path this node mounted by hand when it is
   * null); the device stays attached until {@link #detach} ({@code pxctl host unmount}).
   */
  HostAttachmentView unmount(String volumeRef, HostMountRequest request);
}
