package io.pxlite.node.it.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import java.util.function.Predicate;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerStatus;

/**
 * When Testcontainers' {@code start()} may return. Its own strategies fail the start on a non-zero
 * exit code, which throws away the container's output; these never fail, so the test gets the exit
 * code and the output and says what went wrong.
 */
final class StartupChecks extends StartupCheckStrategy {
  private final Predicate<InspectContainerResponse.ContainerState> done;

  private StartupChecks(Predicate<InspectContainerResponse.ContainerState> done, Duration timeout) {
    this.done = done;
    withTimeout(timeout);
  }

  /** For a one-shot container: once it has exited, whatever its exit code. */
  static StartupChecks exited(Duration timeout) {
    return new StartupChecks(DockerStatus::isContainerStopped, timeout);
  }

  /** For a long-running container: once it runs (or has already exited; the caller looks at why). */
  static StartupChecks started(Duration timeout) {
    return new StartupChecks(s -> Boolean.TRUE.equals(s.getRunning()) || DockerStatus.isContainerStopped(s), timeout);
  }

  @Override
  public StartupStatus checkStartupState(DockerClient docker, String containerId) {
    return done.test(getCurrentState(docker, containerId)) ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
  }
}
