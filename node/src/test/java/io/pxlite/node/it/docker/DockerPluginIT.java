package io.pxlite.node.it.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import io.pxlite.node.it.MountInfo;
import io.pxlite.node.it.NodeProcess;
import io.pxlite.node.it.Poll;
import io.pxlite.node.it.SingleNodeCluster;
import io.pxlite.node.it.docker.Containers.Exited;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pxlite's Docker volume plugin ({@code -d pxd}) as Docker users meet it: a real dockerd calls a
 * real node (own JVM, own etcd) over /run/docker/plugins/pxd.sock, and busybox containers write and
 * read files on the volumes. Every scenario removes its containers and volumes, also when it fails.
 *
 * <p>dockerd looks for plugins only in /run/docker/plugins, so the node must serve exactly that
 * socket and only one node per host can: the test refuses to run while another node holds it.
 */
class DockerPluginIT {
  private static final String DRIVER = "pxd";
  private static final Path PLUGIN_SOCKET = Path.of("/run/docker/plugins/pxd.sock");
  private static final Duration T = Duration.ofMinutes(2);
  /** docker stop with the plugin down: Docker retries the plugin's Unmount for about 30 s first. */
  private static final Duration STOP_WITH_PLUGIN_DOWN = Duration.ofMinutes(2);
  private static final String FILES = "f1 f2 f3 f4";
  /** Four 1 MiB files of random bytes, synced, and their digests. */
  private static final String WRITE_FILES = "set -e; cd /data; for f in " + FILES + "; do"
      + " dd if=/dev/urandom of=$f bs=64k count=16 2>/dev/null; done; sync; sha256sum " + FILES;

  private static DockerClient docker;
  private static SingleNodeCluster cluster;
  private static NodeProcess node;

  @BeforeAll
  static void start() throws IOException {
    docker = DockerDaemon.client();
    TestImage.ensure(docker);
    if (accepts(PLUGIN_SOCKET)) {
      throw new AssertionError("another pxlite node serves pxd on this host; stop it (bin/pxlite-local down)"
          + " before running DockerPluginIT");
    }
    cluster = SingleNodeCluster.start("docker",
        (dir, etcd) -> NodeProcess.start(dir, etcd, PLUGIN_SOCKET, dir.resolve("mounts")));
    node = cluster.node;
    awaitPlugin();
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
      // Our node is gone; a socket file left by it would send dockerd's pxd calls nowhere.
      if (!accepts(PLUGIN_SOCKET)) {
        Files.deleteIfExists(PLUGIN_SOCKET);
      }
    }
  }

  /** a. create with options, write, read back in a new container, ls, inspect, the node's view, rm. */
  @Test
  void aVolumeCreatedWithOptionsCarriesFilesBetweenContainersAndIsRemoved() {
    String name = unique("v1");
    try (DockerVolume volume = DockerVolume.create(docker, name, DRIVER, Map.of("size", "1G", "repl", "1"))) {
      Exited written = Containers.run(volume.mount(), T, WRITE_FILES).ok();
      Map<String, String> sums = Containers.sha256sums(written.output());
      assertThat(sums).as("sha256sum output:\n" + written.output()).hasSize(4);

      Exited read = Containers.run(volume.mount(), T, "cd /data && sha256sum " + FILES).ok();
      assertThat(Containers.sha256sums(read.output())).as("digests read back by a second container").isEqualTo(sums);

      assertThat(DockerVolume.list(docker)).filteredOn(v -> v.getName().equals(name))
          .extracting(InspectVolumeResponse::getDriver).containsExactly(DRIVER);
      InspectVolumeResponse inspected = volume.inspect().orElseThrow();
      assertThat(inspected.getDriver()).isEqualTo(DRIVER);
      Map<String, Object> status = DockerVolume.status(inspected);
      assertThat(status).as("docker volume inspect Status").containsKeys("size_bytes", "repl");
      assertThat(String.valueOf(status.get("size_bytes"))).isEqualTo(String.valueOf(1L << 30));
      assertThat(String.valueOf(status.get("repl"))).isEqualTo("1");

      JsonNode onNode = nodeVolume(name);
      // Docker shows the driver's creation time (it showed 0001-01-01T00:00:00Z when none was given).
      assertThat(DockerVolume.createdAt(inspected))
          .isEqualTo(java.time.Instant.parse(onNode.path("ctime").asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      assertThat(onNode.path("size_bytes").asLong()).isEqualTo(1L << 30);
      assertThat(onNode.path("repl").asInt()).isEqualTo(1);

      volume.remove();
      assertThat(volume.inspect()).isEmpty();
      assertThat(DockerVolume.list(docker)).extracting(InspectVolumeResponse::getName).doesNotContain(name);
      assertThat(node.api("GET", "/v1/volumes/" + name, null).status()).as("node's view after docker volume rm")
          .isEqualTo(404);
    }
  }

  /**
   * {@code docker volume create --opt source=VOL}: a clone of a volume with files holds the same files
   * for a container, and they go separate ways; a clone with other options is refused, naming them.
   */
  @Test
  void aVolumeClonedThroughDockerHoldsItsSourcesFilesAndGoesItsOwnWay() {
    String name = unique("src");
    String cloneName = unique("clone");
    try (DockerVolume source = DockerVolume.create(docker, name, DRIVER, Map.of("size", "256M"))) {
      Map<String, String> sums = Containers.sha256sums(Containers.run(source.mount(), T, WRITE_FILES).ok().output());
      assertThat(sums).hasSize(4);
      try (DockerVolume clone = DockerVolume.create(docker, cloneName, DRIVER, Map.of("source", name))) {
        Exited read = Containers.run(clone.mount(), T, "cd /data && sha256sum " + FILES).ok();
        assertThat(Containers.sha256sums(read.output())).as("the clone's files").isEqualTo(sums);
        assertThat(nodeVolume(cloneName).path("size_bytes").asLong()).isEqualTo(256L << 20);

        Containers.run(clone.mount(), T, "echo changed > /data/f1 && sync").ok();
        Exited original = Containers.run(source.mount(), T, "cd /data && sha256sum " + FILES).ok();
        assertThat(Containers.sha256sums(original.output())).as("the source after the clone changed").isEqualTo(sums);
      }
      NodeProcess.Reply volumesBefore = node.api("GET", "/v1/volumes", null);
      assertThatThrownBy(() -> DockerVolume.create(docker, unique("bad"), DRIVER, Map.of("source", name, "size", "1G")))
          .hasMessageContaining("a clone (option 'source') takes its size").hasMessageContaining("drop size");
      assertThat(node.api("GET", "/v1/volumes", null).body()).as("a refused clone leaves no volume")
          .isEqualTo(volumesBefore.body());
    }
  }

  /** b. PX's inline spec: the whole string is Docker's volume name, its name= part is pxlite's. */
  @Test
  void anInlineSpecCreatesTheNamedVolumeAndContainersUseItByTheSpec() {
    String name = unique("v2");
    String spec = "size=512M,repl=1,name=" + name;
    try (DockerVolume volume = DockerVolume.create(docker, spec, DRIVER, Map.of())) {
      JsonNode onNode = nodeVolume(name);
      assertThat(onNode.path("name").asText()).isEqualTo(name);
      assertThat(onNode.path("size_bytes").asLong()).isEqualTo(536_870_912L);
      assertThat(onNode.path("repl").asInt()).isEqualTo(1);

      // docker run --volume-driver pxd -v size=512M,repl=1,name=NAME:/data
      Exited r = Containers.run(Containers.VolumeMount.of(spec, DRIVER), T,
          "echo inline > /data/hello && sync && cat /data/hello").ok();
      assertThat(r.output()).contains("inline");
      assertThat(volume.name()).isEqualTo(spec);
    }
  }

  /**
   * c. Two containers share one mount; it goes away with the last one, attached and detached once.
   * Mounted with nocopy: otherwise creating the first container already costs an attach and a detach
   * (Docker's copy-up, see {@link Containers.VolumeMount#withoutCopy()}), which is not what this counts.
   */
  @Test
  void twoContainersShareOneMountUntilTheLastOneStops() {
    String name = unique("v3");
    Path mountpoint = node.mountsDir().resolve(name);
    try (DockerVolume volume = DockerVolume.create(docker, name, DRIVER, Map.of("size", "1G", "repl", "1"));
        RunningContainer first = Containers.start(volume.mount().withoutCopy(), T, "echo one > /data/one && sync");
        RunningContainer second = Containers.start(volume.mount().withoutCopy(), T,
            "cat /data/one && echo two > /data/two && sync")) {
      assertThat(second.setupOutput()).contains("one");
      assertThat(MountInfo.isMountPoint(mountpoint)).as(mountpoint + " mounted while two containers use it").isTrue();

      first.stop(T);
      first.remove(); // returns after Docker's exit handling, so the plugin has had first's Unmount
      assertThat(MountInfo.isMountPoint(mountpoint)).as(mountpoint + " mounted while one container uses it").isTrue();
      Exited r = second.exec(T, "echo more >> /data/two && sync && cat /data/one /data/two").ok();
      assertThat(r.output()).contains("one").contains("two").contains("more");

      second.stop(T);
      second.remove();
      Poll.until(T, mountpoint + " to be unmounted after the last container stopped",
          () -> !MountInfo.isMountPoint(mountpoint));
      JsonNode onNode = nodeVolume(name);
      assertThat(absent(onNode.path("attached_on"))).as("attached_on in " + onNode).isTrue();
      assertThat(absent(onNode.path("device_path"))).as("device_path in " + onNode).isTrue();

      Poll.until(T, "node log to say it detached " + name, () -> !logLines("detached volume", name).isEmpty());
      assertThat(logLines("attached volume", name)).as("'attached volume " + name + "' lines in " + node.log())
          .hasSize(1);
      assertThat(logLines("detached volume", name)).as("'detached volume " + name + "' lines in " + node.log())
          .hasSize(1);
    }
  }

  /** d. The node dies under a mounted volume; after a restart Docker uses the volume again as if nothing happened. */
  @Test
  void aVolumeMountedWhenTheNodeWasKilledIsUsableAfterItsRestart() {
    String name = unique("v4");
    Path mountpoint = node.mountsDir().resolve(name);
    try (DockerVolume volume = DockerVolume.create(docker, name, DRIVER, Map.of("size", "1G", "repl", "1"))) {
      try {
        String before;
        try (RunningContainer holder = Containers.start(volume.mount(), T,
            "dd if=/dev/urandom of=/data/before bs=64k count=32 2>/dev/null && sync && sha256sum /data/before")) {
          before = Containers.sha256sums(holder.setupOutput()).get("/data/before");
          assertThat(before).as("digest printed by the writer:\n" + holder.setupOutput()).isNotNull();

          node.kill9();
          // Docker cannot reach the plugin to unmount; the stop must still end, within a bound.
          holder.stop(STOP_WITH_PLUGIN_DOWN);
        }

        node.restart();
        awaitPlugin();
        Exited r = Containers.run(volume.mount(), T,
            "sha256sum /data/before && echo after > /data/after && sync && cat /data/after").ok();
        assertThat(Containers.sha256sums(r.output())).as("read back after the restart:\n" + r.output())
            .containsEntry("/data/before", before);
        assertThat(r.output()).contains("after");
        Poll.until(T, mountpoint + " to be unmounted after the last container stopped",
            () -> !MountInfo.isMountPoint(mountpoint));
      } finally {
        // Later scenarios, and removing this volume, need a live node.
        if (!node.isAlive()) {
          node.restart();
          awaitPlugin();
        }
      }
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The node's view of a volume (GET /v1/volumes/NAME), which must exist. */
  private static JsonNode nodeVolume(String name) {
    NodeProcess.Reply r = node.api("GET", "/v1/volumes/" + name, null);
    assertThat(r.status()).as("GET /v1/volumes/" + name + " -> " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** A JSON field that is missing, null or empty. */
  private static boolean absent(JsonNode field) {
    return field.isMissingNode() || field.isNull() || (field.isTextual() && field.asText().isEmpty());
  }

  /** Lines of the node's log (all its runs) that contain "EVENT NAME", NAME not followed by more name characters. */
  private static List<String> logLines(String event, String name) {
    Pattern line = Pattern.compile(Pattern.quote(event + " " + name) + "(?![\\w.-])");
    try {
      return Files.readAllLines(node.log(), StandardCharsets.ISO_8859_1).stream()
          .filter(l -> line.matcher(l).find()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitPlugin() {
    Poll.until(T, "the node to serve the Docker plugin at " + PLUGIN_SOCKET + " (log: " + node.log() + ")",
        () -> accepts(PLUGIN_SOCKET));
  }

  private static boolean accepts(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
