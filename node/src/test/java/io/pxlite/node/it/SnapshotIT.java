package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Snapshots through the API and NBD: frozen contents, read-only export, and space given back. */
class SnapshotIT {
  private static final int MIB4 = 4 << 20;
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("snapshot");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ByteBuffer filled(int value) {
    byte[] b = new byte[MIB4];
    Arrays.fill(b, (byte) value);
    return ByteBuffer.wrap(b);
  }

  private long deviceUsed() {
    return cluster.node.api("GET", "/v1/status", null).body().at("/node/devices/0/used_bytes").asLong();
  }

  @Test
  void snapshotKeepsOldContentsAndDeletingGivesSpaceBack() throws Exception {
    long usedAtStart = deviceUsed();
    NodeProcess node = cluster.node;
    node.createVolume("snapvol", "64M");
    try (NbdClient vol = NbdClient.connect(node.nbdSocket(), "snapvol")) {
      vol.write(0, filled(0xAA)).get(30, TimeUnit.SECONDS);
    }

    NodeProcess.Reply snap = node.api("POST", "/v1/snapshots", Map.of("volume", "snapvol", "name", "snapvol-s1"));
    assertThat(snap.status()).as("%s", snap.body()).isEqualTo(201);

    try (NbdClient vol = NbdClient.connect(node.nbdSocket(), "snapvol")) {
      vol.write(0, filled(0xBB)).get(30, TimeUnit.SECONDS);
      assertThat(vol.read(0, MIB4).get(30, TimeUnit.SECONDS)).isEqualTo(filled(0xBB));
    }
    try (NbdClient s = NbdClient.connect(node.nbdSocket(), "snapvol-s1")) {
      assertThat(s.read(0, MIB4).get(30, TimeUnit.SECONDS)).as("the snapshot reads A").isEqualTo(filled(0xAA));
      assertThatThrownBy(() -> s.write(0, filled(0xCC)).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(NbdClient.NbdReplyError.class)
          .satisfies(e -> assertThat(((NbdClient.NbdReplyError) e.getCause()).errno).as("EPERM").isEqualTo(1));
    }

    JsonNode inspect = node.api("GET", "/v1/volumes/snapvol", null).body();
    assertThat(inspect.get("used_bytes").asLong()).isEqualTo(MIB4);
    assertThat(inspect.get("snapshot_bytes").asLong()).as("old versions kept for the snapshot").isEqualTo(MIB4);
    assertThat(node.api("GET", "/v1/snapshots?volume=snapvol", null).body().get(0).get("name").asText())
        .isEqualTo("snapvol-s1");

    assertThat(node.api("DELETE", "/v1/volumes/snapvol", null).status()).as("delete refused while snapshots exist")
        .isEqualTo(409);
    assertThat(node.api("DELETE", "/v1/snapshots/snapvol-s1", null).status()).isBetween(200, 204);
    assertThat(node.api("GET", "/v1/volumes/snapvol", null).body().get("snapshot_bytes").asLong()).isZero();
    assertThat(node.api("DELETE", "/v1/volumes/snapvol", null).status()).isBetween(200, 204);
    assertThat(node.api("GET", "/v1/volumes/snapvol", null).status()).isEqualTo(404);
    assertThat(deviceUsed()).as("all space returned").isEqualTo(usedAtStart);
  }
}
