package io.pxlite.node.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Finds, makes and mounts filesystems on attached devices with the host's own tools. */
final class Filesystems {
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private Filesystems() {}

  /** The filesystem on {@code device}, or empty when blkid finds none (a fresh volume is all zeroes). */
  static Optional<String> probe(String device) {
    HostCommand.Result r = HostCommand.run(DEADLINE, "blkid", "-p", "-o", "value", "-s", "TYPE", device);
    if (r.exitCode() == 2) {
      return Optional.empty();
    }
    r.orThrow("cannot probe " + device + " for a filesystem");
    String type = r.output().strip();
    return type.isEmpty() ? Optional.empty() : Optional.of(type);
  }

  /** Makes {@code fs} with the volume's block size; discard is skipped because a new volume is all holes. */
  static void format(String device, String fs, int blockSize, String volumeName) {
    HostCommand.Result r = switch (fs) {
      case "ext4" -> HostCommand.run(DEADLINE, "mkfs.ext4", "-q", "-F", "-E", "nodiscard", "-b",
          Integer.toString(blockSize), device);
      case "xfs" -> HostCommand.run(DEADLINE, "mkfs.xfs", "-q", "-f", "-K", "-b", "size=" + blockSize, device);
      default -> throw new AttachException("volume " + volumeName + " has fs '" + fs + "', which pxlite cannot make");
    };
    r.orThrow("cannot make " + fs + " on volume " + volumeName);
  }

  static void mount(String device, String fs, Path target) {
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new AttachException("cannot create mount point " + target + ": " + e.getMessage(), e);
    }
    HostCommand.run(DEADLINE, "mount", "-t", fs, device, target.toString())
        .orThrow("cannot mount " + device + " at " + target);
  }

  /** Unmounts {@code target}; a busy filesystem is an error (never a lazy unmount, which could lose writes). */
  static void unmount(Path target) {
    if (MountTable.at(target).isEmpty()) {
      return;
    }
    HostCommand.Result r = HostCommand.run(DEADLINE, "umount", target.toString());
    if (!r.ok() && r.output().contains("busy")) {
      throw AttachException.conflict("cannot unmount " + target + ": it is busy (a process has files open there);"
          + " stop it and unmount again");
    }
    r.orThrow("cannot unmount " + target);
  }

  /** For a filesystem whose device is already dead: nothing left to flush, so detach it lazily. */
  static void unmountDead(Path target) {
    if (MountTable.at(target).isPresent()) {
      HostCommand.run(DEADLINE, "umount", "-l", target.toString()).orThrow("cannot unmount " + target);
    }
  }
}
