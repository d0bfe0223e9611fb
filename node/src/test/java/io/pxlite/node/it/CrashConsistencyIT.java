package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random 4 KiB writes at queue depth 32 while the node is killed with SIGKILL: after a restart every
 * acknowledged write reads back whole, and no block is torn. Two kill cycles, so the second replays
 * over a store that itself recovered once.
 */
class CrashConsistencyIT {
  private static final int BLOCKS = 16384; // 64 MiB of a 256 MiB volume
  @TempDir
  Path dir;
  private EtcdProcess etcd;
  private NodeProcess node;

  @BeforeEach
  void start() {
    etcd = EtcdProcess.start(dir.resolve("etcd"));
    node = NodeProcess.start(dir.resolve("node"), etcd);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
    node.createVolume("crash", "256M");
    AckedWriteChecker checker = new AckedWriteChecker(BLOCKS);
    long totalAcked = 0;
    long verified = 0;
    for (int cycle = 0; cycle < 2; cycle++) {
      long acked;
      try (NbdClient client = NbdClient.connect(node.nbdSocket(), "crash")) {
        acked = checker.run(client, 32, 200_000, 3000, node::kill9);
      }
      assertThat(acked).as("writes acknowledged before the kill in cycle %d", cycle).isGreaterThanOrEqualTo(3000);
      totalAcked += acked;
      node.start();
      try (NbdClient client = Poll.succeeds(Duration.ofSeconds(60), "the volume's export after restart",
          () -> connect("crash"))) {
        verified += checker.verify(client);
      }
    }
    System.out.printf("crash test: %d writes acknowledged over 2 SIGKILLs, %d bytes verified, lost = 0%n",
        totalAcked, verified);
    assertThat(verified).isEqualTo(2L * BLOCKS * BlockRecord.SIZE);
  }

  private NbdClient connect(String export) {
    try {
      return NbdClient.connect(node.nbdSocket(), export);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
