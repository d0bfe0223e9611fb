package io.pxlite.node.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches through FUSE where the kernel has no nbd driver: nbdfuse exposes the export as a file and
 * losetup makes that file a block device.
 *
 * <p>nbdfuse does not talk to the node directly: it runs nbdkit's nbd plugin behind the retry filter,
 * which reconnects and repeats a failed request. So when this node restarts, I/O from a mounted
 * filesystem waits (up to {@link #RETRY_SECONDS}) instead of failing, and the mount survives the
 * restart intact. Repeating a request is safe: NBD writes are idempotent, and none is acknowledged
 * before the replica group committed it.
 *
 * <p>nbdfuse is started as a separate process and left running if the node dies; it is found again by
 * its pid and FUSE directory, which the attachment ledger keeps.
 */
final class FuseLoopAttacher implements BlockAttacher {
  static final String MECHANISM = "nbdfuse+loop";
  static final int RETRY_SECONDS = 120;
  private static final Logger LOG = LoggerFactory.getLogger(FuseLoopAttacher.class);
  private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(60);
  private static final Duration READY_DEADLINE = Duration.ofSeconds(30);
  private static final String FILE_NAME = "disk";

  @Override
  public AttachedDevice attach(String exportName, Path nbdSocket, Path workDir) {
    Path fuseDir = workDir.resolve("fuse");
    try {
      Files.createDirectories(fuseDir);
    } catch (IOException e) {
      throw new AttachException("cannot create " + fuseDir + ": " + e.getMessage(), e);
    }
    releaseFuse(fuseDir.toString(), 0);
    Path log = workDir.resolve("nbdfuse.log");
    Process nbdfuse;
    try {
      nbdfuse = new ProcessBuilder(List.of(
              "nbdfuse", fuseDir.resolve(FILE_NAME).toString(),
              "--command", "nbdkit", "-s", "--exit-with-parent", "--filter=retry",
              "nbd", "socket=" + nbdSocket, "export=" + exportName,
              "retries=" + RETRY_SECONDS, "retry-delay=1", "retry-exponential=no"))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new AttachException("cannot start nbdfuse (install libnbd-bin and nbdkit): " + e.getMessage(), e);
    }
    AttachedDevice partial = new AttachedDevice(null, MECHANISM, fuseDir.toString(), nbdfuse.pid());
    try {
      awaitFile(fuseDir.resolve(FILE_NAME), nbdfuse, log);
      String loop = HostCommand.run(COMMAND_DEADLINE, "losetup", "--find", "--show", fuseDir.resolve(FILE_NAME).toString())
          .orThrow("cannot set up a loop device for volume " + exportName).output().strip();
      return new AttachedDevice(loop, MECHANISM, fuseDir.toString(), nbdfuse.pid());
    } catch (RuntimeException e) {
      detach(partial);
      throw e;
    }
  }

  private static void awaitFile(Path file, Process nbdfuse, Path log) {
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    while (true) {
      try {
        if (Files.exists(file) && Files.size(file) > 0) {
          return;
        }
      } catch (IOException e) {
        // Not there yet: FUSE answers stat only once nbdfuse has connected.
      }
      if (!nbdfuse.isAlive()) {
        throw new AttachException("nbdfuse exited " + nbdfuse.exitValue() + " before exposing the volume: " + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AttachException("nbdfuse did not expose " + file + " within " + READY_DEADLINE.toSeconds() + " s: "
            + tail(log));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AttachException("interrupted while attaching", e);
      }
    }
  }

  @Override
  public void detach(AttachedDevice device) {
    String file = device.fuseDir() == null ? null : Path.of(device.fuseDir(), FILE_NAME).toString();
    if (device.devicePath() != null && file != null
        && LoopDevices.backingFile(device.devicePath()).filter(file::equals).isPresent()) {
      HostCommand.run(COMMAND_DEADLINE, "losetup", "-d", device.devicePath())
          .orThrow("cannot detach loop device " + device.devicePath());
      awaitLoopGone(device.devicePath(), file);
    }
    if (device.fuseDir() != null) {
      releaseFuse(device.fuseDir(), device.helperPid());
    }
  }

  /** losetup -d returns before the kernel lets go of the backing file when it is still busy. */
  private static void awaitLoopGone(String loop, String file) {
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    while (LoopDevices.backingFile(loop).filter(file::equals).isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AttachException("loop device " + loop + " still uses " + file + " " + READY_DEADLINE.toSeconds()
            + " s after losetup -d (something still has it open)");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AttachException("interrupted while detaching " + loop, e);
      }
    }
  }

  /** Unmounts the FUSE directory (nbdfuse then exits, and nbdkit with it) and makes sure it did. */
  private static void releaseFuse(String fuseDir, long pid) {
    if (MountTable.at(Path.of(fuseDir)).isPresent()) {
      HostCommand.Result r = HostCommand.run(COMMAND_DEADLINE, "fusermount3", "-u", fuseDir);
      if (!r.ok()) {
        // A dead nbdfuse leaves a mount that can only be dropped lazily.
        LOG.warn("fusermount3 -u {} failed ({}); unmounting lazily", fuseDir, r.output().strip());
        HostCommand.run(COMMAND_DEADLINE, "fusermount3", "-u", "-z", fuseDir).orThrow("cannot unmount " + fuseDir);
      }
    }
    if (pid > 0) {
      Optional<ProcessHandle> helper = ProcessHandle.of(pid).filter(FuseLoopAttacher::isNbdfuse);
      helper.ifPresent(h -> {
        try {
          h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("nbdfuse (pid {}) did not exit after its unmount; killing it", pid);
          h.destroyForcibly();
        }
      });
    }
  }

  @Override
  public boolean isAlive(AttachedDevice device) {
    if (device.devicePath() == null || device.fuseDir() == null) {
      return false;
    }
    String file = Path.of(device.fuseDir(), FILE_NAME).toString();
    return ProcessHandle.of(device.helperPid()).filter(FuseLoopAttacher::isNbdfuse).isPresent()
        && MountTable.at(Path.of(device.fuseDir())).isPresent()
        && LoopDevices.backingFile(device.devicePath()).filter(file::equals).isPresent();
  }

  /** Pids are reused: only a live process that is nbdfuse counts. */
  private static boolean isNbdfuse(ProcessHandle h) {
    return h.isAlive() && h.info().command().map(c -> c.endsWith("nbdfuse")).orElse(false);
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log).strip();
      return text.isEmpty() ? "(no output)" : text.substring(Math.max(0, text.length() - 500));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
