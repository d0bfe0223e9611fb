package io.pxlite.node.it.docker;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker daemon the tests drive, found the way Testcontainers finds one (DOCKER_HOST, else
 * /var/run/docker.sock). A missing daemon fails the test instead of skipping it: a skipped plugin
 * test would look like a passing one.
 */
public final class DockerDaemon {
  private static final String START_HINT = "start one with bin/pxlite-dockerd start (bin/pxlite-test does)";

  private DockerDaemon() {}

  /** Testcontainers' shared docker-java client; fails the test when no daemon answers. */
  public static DockerClient client() {
    requireTestcontainersEnvironment();
    try {
      return DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      throw new AssertionError("Testcontainers found no usable Docker daemon (" + e.getMessage() + "); is dockerd"
          + " running? " + START_HINT, e);
    }
  }

  /**
   * Testcontainers reads these only from the process environment. Without them it tries to pull its
   * ryuk image (there is no registry here) or looks for a "bridge" network our dockerd does not have,
   * and fails far from the cause. Failsafe sets them (node/pom.xml); an IDE run must set them too.
   */
  private static void requireTestcontainersEnvironment() {
    for (String name : new String[] {"TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_HOST_OVERRIDE"}) {
      if (System.getenv(name) == null) {
        throw new AssertionError("environment variable " + name + " is not set: run the Docker tests through"
            + " Maven (mvn verify, which sets it from node/pom.xml) or set TESTCONTAINERS_RYUK_DISABLED=true"
            + " and TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 yourself");
      }
    }
  }
}
