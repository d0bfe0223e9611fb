package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd goes away: volume I/O continues, management calls fail fast naming the kvdb's address, and
 * when etcd returns the node registers again by itself.
 */
class KvdbOutageIT {
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("kvdb");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void ioContinuesAndManagementFailsFastWhileEtcdIsDown() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("survivor", "16M");
    cluster.etcd.stop();

    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "survivor")) {
      for (int i = 0; i < 64; i++) {
        ByteBuffer data = BlockRecord.encode(i, 1);
        c.write(i * 4096L, data.duplicate()).get(30, TimeUnit.SECONDS);
        assertThat(c.read(i * 4096L, 4096).get(30, TimeUnit.SECONDS)).isEqualTo(data);
      }
    }

    long started = System.nanoTime();
    NodeProcess.Reply refused = node.api("POST", "/v1/volumes", Map.of("name", "during-outage", "size", "16M"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body().get("error").asText()).contains("kvdb unreachable at " + cluster.etcd.endpoint());
    assertThat(took).as("fails fast").isLessThan(Duration.ofSeconds(10));
    assertThat(node.api("GET", "/v1/status", null).body().get("kvdb_reachable").asBoolean()).isFalse();

    cluster.etcd.start();
    Poll.until(Duration.ofSeconds(60), "the node to register again", () -> {
      NodeProcess.Reply nodes = node.api("GET", "/v1/cluster/nodes", null);
      return nodes.status() == 200 && nodes.body().size() == 1
          && "online".equals(nodes.body().get(0).get("status").asText());
    });
    Poll.until(Duration.ofSeconds(30), "status to be healthy again",
        () -> "healthy".equals(node.api("GET", "/v1/status", null).body().get("health").asText()));
    assertThat(node.api("POST", "/v1/volumes", Map.of("name", "after-outage", "size", "16M")).status()).isEqualTo(201);
  }

  @Test
  void aNodeRestartedWhileEtcdIsDownServesItsVolumesFromItsCatalogCache() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("cached", "16M");
    ByteBuffer data = BlockRecord.encode(3, 1);
    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "cached")) {
      c.write(3 * 4096L, data.duplicate()).get(30, TimeUnit.SECONDS);
    }
    cluster.etcd.stop();
    node.kill9();
    node.start();
    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "cached")) {
      assertThat(c.read(3 * 4096L, 4096).get(30, TimeUnit.SECONDS)).isEqualTo(data);
      ByteBuffer more = BlockRecord.encode(4, 1);
      c.write(4 * 4096L, more.duplicate()).get(30, TimeUnit.SECONDS);
      assertThat(c.read(4 * 4096L, 4096).get(30, TimeUnit.SECONDS)).isEqualTo(more);
    }
    assertThat(node.api("GET", "/v1/status", null).body().get("kvdb_reachable").asBoolean()).isFalse();

    cluster.etcd.start();
    Poll.until(Duration.ofSeconds(60), "the restarted node to register and report healthy",
        () -> "healthy".equals(node.api("GET", "/v1/status", null).body().get("health").asText()));
  }
}
