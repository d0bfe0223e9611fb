package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real pxctl (the built jar, as a process) against a real node, as an operator types it. */
class PxctlIT {
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("pxctl");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Cmd.Result pxctl(String... args) throws Exception {
    Path target = Path.of("").toAbsolutePath().resolveSibling("pxctl").resolve("target");
    Path jar;
    try (var jars = Files.list(target)) {
      jar = jars.filter(p -> p.getFileName().toString().matches("pxctl-.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("pxctl is not built in " + target));
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", jar + ":" + target.resolve("lib") + "/*", "io.pxlite.pxctl.Pxctl",
        "--endpoint", cluster.node.apiSocket().toString()));
    cmd.addAll(List.of(args));
    return Cmd.run(Duration.ofSeconds(60), null, cmd);
  }

  @Test
  void anOperatorsSession() throws Exception {
    String id = pxctl("volume", "create", "db1", "--size", "1G", "--repl", "1", "--fs", "xfs",
        "--label", "app=db,tier=gold", "--io_priority", "high").ok().output().trim();
    assertThat(id).matches("[0-9a-f]{16}");

    String list = pxctl("volume", "list").ok().output();
    assertThat(list).contains("ID").contains("NAME").contains("db1").contains("1 GiB").contains(id);

    JsonNode inspect = new ObjectMapper().readTree(pxctl("volume", "inspect", "db1", "-j").ok().output());
    assertThat(inspect.get("size_bytes").asLong()).isEqualTo(1L << 30);
    assertThat(inspect.get("fs").asText()).isEqualTo("xfs");
    assertThat(inspect.get("labels").get("tier").asText()).isEqualTo("gold");
    assertThat(inspect.get("nbd_uri").asText())
        .isEqualTo("nbd+unix:///db1?socket=" + cluster.node.nbdSocket());

    String snapped = pxctl("snap", "create", "db1", "--name", "db1-snap").ok().output();
    assertThat(snapped).matches("(?s)Volume successfully snapped: [0-9a-f]{16}\\s*");
    assertThat(pxctl("snap", "list").ok().output()).contains("db1-snap");
    assertThat(pxctl("snap", "delete", "db1-snap").ok().exitCode()).isZero();

    String status = pxctl("status").ok().output();
    assertThat(status).contains("pxlite is operational").contains("Nodes: 1 online / 1 total");
    assertThat(pxctl("cluster", "list").ok().output()).contains("127.0.0.1").contains("online");

    Cmd.Result missing = pxctl("volume", "inspect", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output()).contains("pxctl: no volume 'nope'");

    Cmd.Result badFlag = pxctl("volume", "create", "x", "--colour", "red");
    assertThat(badFlag.exitCode()).isEqualTo(2);
    assertThat(badFlag.output()).contains("--colour");

    Cmd.Result badSize = pxctl("volume", "create", "x", "--size", "lots");
    assertThat(badSize.exitCode()).isEqualTo(1);
    assertThat(badSize.output()).contains("size");

    // Grow the volume; the NBD export shows the new size to new connections and takes writes there.
    assertThat(pxctl("volume", "update", "db1", "--size", "1536M").ok().output())
        .contains("Volume update successful for volume db1");
    try (NbdClient c = NbdClient.connect(cluster.node.nbdSocket(), "db1")) {
      assertThat(c.size()).isEqualTo(1536L << 20);
      java.nio.ByteBuffer data = BlockRecord.encode(300_000, 1);
      c.write(300_000L * 4096, data.duplicate()).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(c.read(300_000L * 4096, 4096).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(data);
    }
    Cmd.Result shrink = pxctl("volume", "update", "db1", "--size", "1G");
    assertThat(shrink.exitCode()).isEqualTo(1);
    assertThat(shrink.output()).contains("shrinking").contains("not supported");

    assertThat(pxctl("volume", "delete", "db1").ok().output()).contains("Volume db1 successfully deleted");
    assertThat(pxctl("volume", "list").ok().output()).doesNotContain("db1");
  }
}
