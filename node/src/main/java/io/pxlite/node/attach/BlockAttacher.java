package io.pxlite.node.attach;

import java.nio.file.Path;

/** Turns an NBD export of this node into a block device on this host, and back. */
public interface BlockAttacher {
  /**
   * @param workDir a directory owned by this attachment, for FUSE mounts and logs
   * @throws AttachException with the tool's own words if the device cannot be made
   */
  AttachedDevice attach(String exportName, Path nbdSocket, Path workDir);

  /** Removes the device and whatever serves it; a device already gone is not an error. */
  void detach(AttachedDevice device);

  /** Whether the device still exists and is still served (e.g. after this node restarted). */
  boolean isAlive(AttachedDevice device);

  /** Picks what this host can do: nbd-client where the kernel has nbd devices, else nbdfuse + losetup. */
  static BlockAttacher forThisHost() {
    if (NbdClientAttacher.usableHere()) {
      return new NbdClientAttacher();
    }
    return new FuseLoopAttacher();
  }
}
