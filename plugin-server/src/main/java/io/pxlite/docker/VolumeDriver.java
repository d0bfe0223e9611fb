package io.pxlite.docker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Docker's volume plugin protocol needs from the node, one method per VolumeDriver endpoint.
 * The node implements it; {@link DockerPluginServer} only speaks the protocol.
 *
 * <p>{@code name} is exactly what Docker passes: a plain volume name or PX's inline spec
 * ({@code size=10G,repl=3,name=demo}). Every method may throw {@link DriverException}, whose message
 * is shown to the Docker user as it is; anything else is a bug and is answered as an internal error.
 * Methods block (on etcd, Raft, mkfs, mount), so the server never calls them on an I/O thread.
 */
public interface VolumeDriver {
  /** Creates the volume; the same name with the same spec again is success, a different spec an error. */
  void create(String name, Map<String, String> options);

  /** Deletes the volume; refused while it is mounted anywhere. */
  void remove(String name);

  /**
   * Attaches, formats on first use and mounts the volume on this host for one caller (a container);
   * a second caller shares the mount.
   *
   * @return the host path Docker bind-mounts into the container
   */
  String mount(String name, String callerId);

  /** Releases one caller's mount; the last caller's unmount unmounts and detaches. */
  void unmount(String name, String callerId);

  /** The volume's mountpoint on this host, or empty when it is not mounted here. */
  Optional<String> path(String name);

  /** The volume, or empty when there is none by that name. */
  Optional<DriverVolume> get(String name);

  List<DriverVolume> list();
}
