package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that holds a filesystem, or belongs to another cluster, is never taken silently: the
 * node refuses to start and says why, and only --force takes it over.
 */
class ForeignDeviceIT {
  @TempDir Path dir;

  private Path config(String name, String clusterId, Path device, String etcd) throws Exception {
    Path file = dir.resolve(name + ".json");
    new ObjectMapper().writeValue(file.toFile(), Map.of(
        "clusterid", clusterId,
        "kvdb", "etcd:" + etcd,
        "datadir", dir.resolve(name).toString(),
        "storage", Map.of("devices", List.of(device.toString())),
        "listeners", Map.of("mgmt_port", FreePorts.next(), "raft_port", FreePorts.next())));
    return file;
  }

  @Test
  void aFilesystemOrAnotherClustersLabelIsRefusedWithoutForce() throws Exception {
    Path device = dir.resolve("disk.img");
    Cmd.run(Duration.ofSeconds(60), "truncate", "-s", "256M", device.toString()).ok();
    Cmd.run(Duration.ofSeconds(60), "mkfs.ext4", "-q", "-F", device.toString()).ok();

    try (EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"))) {
      Path a = config("a", "cluster-a", device, etcd.endpoint());
      Cmd.Result refused = Cmd.run(Duration.ofSeconds(60), null, NodeProcess.javaCommand("--config", a.toString()));
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output()).contains(device.toString()).contains("holds data").contains("refusing to use it");
      assertThat(Cmd.run(Duration.ofSeconds(30), "fsck.ext4", "-n", device.toString()).exitCode())
          .as("the filesystem is untouched").isZero();

      // With --force the node takes the device over and labels it for cluster-a.
      Process forced = new ProcessBuilder(NodeProcess.javaCommand("--config", a.toString(), "--force"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("forced.log").toFile()).start();
      try {
        Poll.until(Duration.ofSeconds(90), "the forced node to come up", () -> {
          if (!forced.isAlive()) {
            throw new AssertionError("forced node exited: " + read(dir.resolve("forced.log")));
          }
          return read(dir.resolve("forced.log")).contains("is up");
        });
      } finally {
        forced.destroy();
        forced.waitFor();
      }

      Path b = config("b", "cluster-b", device, etcd.endpoint());
      Cmd.Result otherCluster = Cmd.run(Duration.ofSeconds(60), null, NodeProcess.javaCommand("--config", b.toString()));
      assertThat(otherCluster.exitCode()).isEqualTo(1);
      assertThat(otherCluster.output()).contains("is labelled for cluster cluster-a").contains("not this cluster cluster-b");
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
