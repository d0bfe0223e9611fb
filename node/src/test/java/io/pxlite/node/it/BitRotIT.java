package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bytes flipped in a stored block on the device: the read fails with EIO, never returns bad data. */
class BitRotIT {
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("bitrot");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void flippedBytesOnTheDeviceAreAnIoErrorNotWrongData() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("rot", "16M");
    ByteBuffer good = BlockRecord.encode(10, 1);
    ByteBuffer other = BlockRecord.encode(11, 1);
    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "rot")) {
      c.write(10L * 4096, good.duplicate()).get(30, TimeUnit.SECONDS);
      c.write(11L * 4096, other.duplicate()).get(30, TimeUnit.SECONDS);
    }

    long at = find(good);
    try (FileChannel dev = FileChannel.open(node.device(), StandardOpenOption.WRITE)) {
      dev.write(ByteBuffer.wrap(new byte[] {(byte) ~good.get(2000)}), at + 2000);
    }

    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "rot")) {
      assertThatThrownBy(() -> c.read(10L * 4096, 4096).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(NbdClient.NbdReplyError.class)
          .satisfies(e -> assertThat(((NbdClient.NbdReplyError) e.getCause()).errno).as("EIO").isEqualTo(5));
      assertThat(c.read(11L * 4096, 4096).get(30, TimeUnit.SECONDS)).as("the node keeps serving other blocks")
          .isEqualTo(other);
    }
    assertThat(node.api("GET", "/v1/volumes/rot", null).body().get("checksum_errors").asLong()).isPositive();
    // The operator learns it from the device's counter and an alert naming the device.
    String device = node.device().toString();
    assertThat(ScrapedMetrics.of(node).value("pxlite_device_checksum_failures_total", java.util.Map.of("device", device)))
        .isEqualTo(1);
    Poll.until(java.time.Duration.ofSeconds(30), "a checksum_errors alert for " + device, () -> {
      for (com.fasterxml.jackson.databind.JsonNode alert : node.api("GET", "/v1/alerts", null).body()) {
        if (alert.get("kind").asText().equals("checksum_errors") && alert.get("resource").asText().equals(device)) {
          return true;
        }
      }
      return false;
    });
  }

  /** The device offset of a 4 KiB-aligned copy of {@code block}. */
  private static long find(ByteBuffer block) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(cluster.node.device().toFile(), "r")) {
      FileChannel ch = f.getChannel();
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
      for (long base = 0; base < ch.size(); base += chunk.capacity()) {
        chunk.clear();
        ch.read(chunk, base);
        chunk.flip();
        for (int i = 0; i + 4096 <= chunk.limit(); i += 4096) {
          if (chunk.slice(i, 4096).equals(block)) {
            return base + i;
          }
        }
      }
    }
    throw new AssertionError("the written block is not on the device in plain form");
  }
}
