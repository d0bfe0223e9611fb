package io.pxlite.node.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Version;
import io.pxlite.node.it.docker.Containers.Exited;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Docker test harness on its own, with Docker's built-in {@code local} driver: if this fails,
 * DockerPluginIT's failures say nothing about pxlite.
 */
class DockerEnvironmentIT {
  private static final Duration T = Duration.ofMinutes(1);
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    docker = DockerDaemon.client();
  }

  @Test
  void dockerdAnswersThroughTestcontainers() {
    Version version = docker.versionCmd().exec();
    assertThat(version.getApiVersion()).as("Docker API version").isNotBlank();
    assertThat(docker.infoCmd().exec().getServerVersion()).isNotBlank();
  }

  @Test
  void theTestImageExists() {
    assertThat(TestImage.ensure(docker)).isEqualTo("pxlite-test/busybox:1");
    assertThat(TestImage.exists(docker)).isTrue();
    assertThat(TestImage.hasInterpreter(TestImage.BUSYBOX)).as("/bin/busybox is static").isFalse();
  }

  @Test
  void containersHaveNoNetworkButLoopback() {
    Exited r = Containers.run(null, T, "ls -1 /sys/class/net; echo ---; cat /proc/net/dev").ok();
    String[] parts = r.output().split("---\n", 2);
    assertThat(parts).as("output:\n" + r.output()).hasSize(2);
    assertThat(parts[0].lines().toList()).as("/sys/class/net in\n" + r.output()).containsExactly("lo");
    // /proc/net/dev: two header lines, then "  name: counters..." per interface of the container's netns.
    List<String> interfaces = parts[1].lines().filter(l -> l.contains(":"))
        .map(l -> l.substring(0, l.indexOf(':')).trim()).toList();
    assertThat(interfaces).as("interfaces in /proc/net/dev of\n" + r.output()).containsExactly("lo");
  }

  @Test
  void aLocalNamedVolumeCarriesFilesFromOneContainerToTheNext() {
    String name = "pxlite-env-" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerVolume volume = DockerVolume.create(docker, name, "local", Map.of())) {
      Exited written = Containers.run(volume.mount(), T,
          "set -e; cd /data; for i in 1 2 3 4; do dd if=/dev/urandom of=f$i bs=256k count=4 2>/dev/null; done;"
              + " sync; sha256sum f1 f2 f3 f4").ok();
      Map<String, String> sums = Containers.sha256sums(written.output());
      assertThat(sums).as("sha256sum output:\n" + written.output()).hasSize(4);
      assertThat(Containers.run(volume.mount(), T, "stat -c %s /data/f1").ok().output().trim())
          .isEqualTo(String.valueOf(1 << 20));

      Exited read = Containers.run(volume.mount(), T, "cd /data && sha256sum f1 f2 f3 f4").ok();
      assertThat(Containers.sha256sums(read.output())).isEqualTo(sums);

      // Filtered by driver: an unfiltered ls also waits on every dead volume plugin dockerd remembers.
      assertThat(DockerVolume.list(docker, "local")).extracting(InspectVolumeResponse::getName).contains(name);
      InspectVolumeResponse inspected = volume.inspect().orElseThrow();
      assertThat(inspected.getDriver()).isEqualTo("local");
      assertThat(inspected.getMountpoint()).endsWith("/" + name + "/_data");
      // Fields docker-java does not map (Status, for plugin volumes) arrive in getRawValues().
      assertThat(inspected.getRawValues()).containsKey("Scope");

      volume.remove();
      assertThat(DockerVolume.list(docker, "local")).extracting(InspectVolumeResponse::getName).doesNotContain(name);
    }
  }

  @Test
  void aLongRunningContainerSharesItsVolumeAndStopsWhenAsked() {
    String name = "pxlite-env-" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerVolume volume = DockerVolume.create(docker, name, "local", Map.of())) {
      try (RunningContainer first = Containers.start(volume.mount(), T, "echo first > /data/first; echo set up")) {
        assertThat(first.setupOutput()).contains("set up");
        assertThat(Containers.run(volume.mount(), T, "cat /data/first").ok().output()).contains("first");
        assertThat(first.exec(T, "echo second > /data/second && cat /data/second").ok().output()).contains("second");
        first.stop(T);
        assertThat(first.isRunning()).isFalse();
      }
      assertThat(Containers.run(volume.mount().withoutCopy(), T, "cat /data/second").ok().output()).contains("second");
    }
  }

  @Test
  void aFailingScriptReportsItsExitCodeAndOutput() {
    Exited r = Containers.run(null, T, "echo to stderr >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.output()).contains("to stderr");
  }
}
