package io.pxlite.node.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Attaches through the kernel's nbd driver with nbd-client, where {@code /dev/nbd0} exists. The
 * kernel keeps the device; {@code -persist} makes nbd-client reconnect when this node restarts.
 *
 * <p>Not exercised by the test suite on machines without the nbd module (the CI machines have none);
 * {@link FuseLoopAttacher} is what runs there.
 */
final class NbdClientAttacher implements BlockAttacher {
  static final String MECHANISM = "nbd-client";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  static boolean usableHere() {
    return Files.exists(Path.of("/dev/nbd0")) && Files.isExecutable(Path.of("/usr/sbin/nbd-client"));
  }

  @Override
  public AttachedDevice attach(String exportName, Path nbdSocket, Path workDir) {
    for (int i = 0; Files.exists(Path.of("/dev/nbd" + i)); i++) {
      String device = "/dev/nbd" + i;
      if (isAlive(device)) {
        continue;
      }
      HostCommand.Result r = HostCommand.run(DEADLINE, "/usr/sbin/nbd-client", "-unix", nbdSocket.toString(), device,
          "-N", exportName, "-persist");
      if (r.ok()) {
        return new AttachedDevice(device, MECHANISM, null, 0);
      }
      if (!isAlive(device)) {
        r.orThrow("cannot attach volume " + exportName + " with nbd-client");
      }
    }
    throw new AttachException("no free nbd device for volume " + exportName + " (all /dev/nbd* are in use)");
  }

  @Override
  public void detach(AttachedDevice device) {
    if (isAlive(device.devicePath())) {
      HostCommand.run(DEADLINE, "/usr/sbin/nbd-client", "-d", device.devicePath())
          .orThrow("cannot detach " + device.devicePath());
    }
  }

  @Override
  public boolean isAlive(AttachedDevice device) {
    return isAlive(device.devicePath());
  }

  /** A connected nbd device has a pid file in sysfs. */
  private static boolean isAlive(String device) {
    Path pid = Path.of("/sys/block", Path.of(device).getFileName().toString(), "pid");
    try {
      return Files.exists(pid) && !Files.readString(pid).isBlank();
    } catch (IOException e) {
      return false;
    }
  }
}
