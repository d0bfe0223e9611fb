package io.pxlite.node.it.docker;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.SELContext;
import com.github.dockerjava.api.model.Volume;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Busybox containers ({@link TestImage}) that run a shell script, with at most one named volume at
 * {@code /data} and always {@code --network none}: the tests need no network, and dockerd here has
 * no bridge.
 */
public final class Containers {
  public static final String DATA = "/data";
  private static final Pattern SHA256_LINE = Pattern.compile("(?m)^([0-9a-f]{64})\\s+(\\S+)$");

  private Containers() {}

  /**
   * A named volume for {@code -v volume:/data}.
   *
   * @param driver the volume driver Docker uses if it does not know the volume yet ({@code --volume-driver});
   *     null for Docker's default ({@code local})
   * @param noCopy {@code -v volume:/data:nocopy}; see {@link #withoutCopy()}
   */
  public record VolumeMount(String volume, String driver, boolean noCopy) {
    public static VolumeMount of(String volume, String driver) {
      return new VolumeMount(volume, driver, false);
    }

    /**
     * Without Docker's copy-up: when the image has files at the mount path (ours has an empty /data),
     * Docker mounts the volume once more while it creates the container, under a throwaway caller id,
     * to copy them in, and unmounts it right away. For a plugin volume that is one more Mount/Unmount
     * pair per {@code docker run}: an extra attach and detach while no other container holds it.
     */
    public VolumeMount withoutCopy() {
      return new VolumeMount(volume, driver, true);
    }

    Bind bind() {
      return new Bind(volume, new Volume(DATA), AccessMode.rw, SELContext.none, noCopy ? Boolean.TRUE : null);
    }

    @Override
    public String toString() {
      return "-v " + volume + ":" + DATA + (noCopy ? ":nocopy" : "")
          + (driver == null ? "" : " --volume-driver " + driver);
    }
  }

  /** What a finished script left: its exit code and its output (stdout and stderr). */
  public record Exited(long exitCode, String output) {
    public Exited ok() {
      if (exitCode != 0) {
        throw new AssertionError("container script exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /**
   * {@code docker run --rm --network none [-v VOLUME:/data] busybox sh -c SCRIPT}: waits for it to
   * exit (at most {@code timeout}), then removes the container.
   *
   * @param mount null for a container without a volume
   */
  public static Exited run(VolumeMount mount, Duration timeout, String script) {
    GenericContainer<?> c = container(mount, script).withStartupCheckStrategy(StartupChecks.exited(timeout));
    try {
      start(c, mount);
      Long code = c.getCurrentContainerInfo().getState().getExitCodeLong();
      return new Exited(code == null ? -1 : code, c.getLogs());
    } finally {
      c.stop();
    }
  }

  /**
   * A container that runs {@code setup}, then prints a ready line and stays up until stopped. Returns
   * once the ready line is out; fails with the container's output if the setup fails first.
   */
  public static RunningContainer start(VolumeMount mount, Duration timeout, String setup) {
    // Busybox sh as PID 1 ignores SIGTERM unless it traps it; the trap makes `docker stop` quick.
    // `sleep & wait` because a trap runs only after the foreground command ends.
    String script = "trap 'exit 0' TERM\nset -e\n" + setup + "\necho " + RunningContainer.READY
        + "\nsleep 86400 &\nwait\n";
    GenericContainer<?> c = container(mount, script).withStartupCheckStrategy(StartupChecks.started(timeout));
    RunningContainer running;
    try {
      start(c, mount);
      running = new RunningContainer(c, mount);
    } catch (RuntimeException | AssertionError e) {
      c.stop();
      throw e;
    }
    try {
      running.awaitReady(timeout);
      return running;
    } catch (RuntimeException | AssertionError e) {
      running.close();
      throw e;
    }
  }

  /** {@code sha256sum} output as file → digest. */
  public static Map<String, String> sha256sums(String output) {
    Map<String, String> sums = new TreeMap<>();
    Matcher m = SHA256_LINE.matcher(output);
    while (m.find()) {
      sums.put(m.group(2), m.group(1));
    }
    return sums;
  }

  private static GenericContainer<?> container(VolumeMount mount, String script) {
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(TestImage.ensure(DockerDaemon.client())))
        .withNetworkMode("none")
        .withCommand("sh", "-c", script);
    if (mount != null) {
      // GenericContainer's own binds take host paths only; a named volume needs the raw HostConfig.
      c.withCreateContainerCmdModifier(cmd -> {
        cmd.getHostConfig().withBinds(mount.bind());
        if (mount.driver() != null) {
          cmd.getHostConfig().withVolumeDriver(mount.driver());
        }
      });
    }
    return c;
  }

  /** Starts it; a Docker error (e.g. the volume plugin refused the mount) becomes a readable failure. */
  private static void start(GenericContainer<?> c, VolumeMount mount) {
    try {
      c.start();
    } catch (ContainerLaunchException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new AssertionError("container " + (mount == null ? "" : "with " + mount + " ") + "did not start: "
          + root.getMessage(), e);
    }
  }
}
