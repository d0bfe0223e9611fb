package io.pxlite.node.it.docker;

import com.github.dockerjava.api.exception.NotModifiedException;
import io.pxlite.node.it.Poll;
import java.io.IOException;
import java.time.Duration;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

/** A long-running container from {@link Containers#start}; {@link #close} removes it. */
public final class RunningContainer implements AutoCloseable {
  static final String READY = "pxlite-container-ready";

  private final GenericContainer<?> container;
  private final String id;
  private final Containers.VolumeMount mount;
  private boolean removed;

  RunningContainer(GenericContainer<?> container, Containers.VolumeMount mount) {
    this.container = container;
    this.id = container.getContainerId();
    this.mount = mount;
  }

  public String id() {
    return id;
  }

  /** What the setup script printed (before the ready line). */
  public String setupOutput() {
    String logs = container.getLogs();
    int ready = logs.indexOf(READY);
    return ready < 0 ? logs : logs.substring(0, ready);
  }

  public boolean isRunning() {
    return container.isRunning();
  }

  void awaitReady(Duration timeout) {
    Poll.until(timeout, "container " + describe() + " to finish its setup", () -> {
      if (container.getLogs().contains(READY)) {
        return true;
      }
      if (!container.isRunning()) {
        Long code = container.getCurrentContainerInfo().getState().getExitCodeLong();
        throw new AssertionError("container " + describe() + " exited " + code + " during its setup:\n"
            + container.getLogs());
      }
      return false;
    });
  }

  /** {@code docker exec CONTAINER sh -c SCRIPT}, bounded by {@code timeout}. */
  public Containers.Exited exec(Duration timeout, String script) {
    Container.ExecResult r = Bounded.call(timeout, "docker exec in " + describe() + ": " + script, () -> {
      try {
        return container.execInContainer("sh", "-c", script);
      } catch (IOException e) {
        throw new AssertionError("docker exec failed: " + e.getMessage(), e);
      }
    });
    return new Containers.Exited(r.getExitCode(), r.getStdout() + r.getStderr());
  }

  /**
   * {@code docker stop}: SIGTERM, then SIGKILL after 10 s. Fails if the container still runs after
   * {@code bound} (Docker calls the volume plugin's Unmount while it stops the container, and retries
   * for a while when the plugin does not answer).
   */
  public void stop(Duration bound) {
    Bounded.run(bound, "docker stop " + describe(), () -> {
      try {
        DockerDaemon.client().stopContainerCmd(id).withTimeout(10).exec();
      } catch (NotModifiedException e) {
        // Already stopped.
      }
    });
    if (container.isRunning()) {
      throw new AssertionError("container " + describe() + " still runs after docker stop");
    }
  }

  /**
   * {@code docker rm -f}. Once it returns Docker has also finished its exit handling for the
   * container, including the volume plugin's Unmount: removal waits for that, {@code docker stop}
   * may return just before it.
   */
  public void remove() {
    if (!removed) {
      container.stop();
      removed = true;
    }
  }

  @Override
  public void close() {
    remove();
  }

  private String describe() {
    return id.substring(0, Math.min(12, id.length())) + (mount == null ? "" : " (" + mount + ")");
  }
}
