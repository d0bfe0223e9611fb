package io.pxlite.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.node.it.AckedWriteChecker;
import io.pxlite.node.it.BlockRecord;
import io.pxlite.node.it.NbdClient;
import io.pxlite.node.it.NodeProcess;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A device that fills up: three nodes with equal small devices, two thin repl-3 volumes that
 * together promise more than a device holds. Writing until the space runs out must end in ENOSPC
 * replies — with every node still serving, every earlier acknowledged write intact, and the replicas
 * identical (a refusal for lack of space is part of the replicated log: every replica must refuse the
 * same writes). Deleting a volume gives the space back and writes go on.
 */
@ExtendWith(ChaosSummary.class)
class DeviceFullIT {
  private static final int ENOSPC = 28;
  private static final long MIB = 1 << 20;
  /** Equal on every node (the smallest pxlite accepts); 1 MiB of it is the device's reserved header. */
  private static final long DEVICE_BYTES = 64 * MIB;
  /** Two of these promise 96 MiB on a 63 MiB pool. */
  private static final long VOLUME_BYTES = 48 * MIB;
  private static final int VOLUME_BLOCKS = (int) (VOLUME_BYTES / BlockRecord.SIZE);
  private static final int BLOCKS_PER_WRITE = 64;
  private static final int QUEUE_DEPTH = 4;

  private static ChaosCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ChaosCluster.start("device-full", DEVICE_BYTES / MIB + "M");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("device full (ENOSPC)")
  void writingPastTheDeviceEndsInEnospcAndLosesNothing() throws Exception {
    NodeProcess via = cluster.node(1);
    cluster.create(via, "full-a", VOLUME_BYTES / MIB + "M", 3);
    cluster.create(via, "full-b", VOLUME_BYTES / MIB + "M", 3);
    cluster.awaitInSync(via, "full-a");
    // Write where the group leads: opening a volume on a node that does not lead moves the leadership
    // there, and writes in flight during that move fail with EIO (the "leadership moves" scenario of
    // ChaosIT); this scenario is about running out of space.
    cluster.leadOn("full-a", via, Duration.ofSeconds(45));
    AckedWriteChecker a = new AckedWriteChecker(VOLUME_BLOCKS);
    AckedWriteChecker b = new AckedWriteChecker(VOLUME_BLOCKS);

    AckedWriteChecker.Fill fillA;
    try (NbdClient c = cluster.connect(via, "full-a")) {
      fillA = a.fill(c, 0, VOLUME_BLOCKS, BLOCKS_PER_WRITE, QUEUE_DEPTH);
    }
    ChaosSummary.row().acked(a.acknowledged());
    assertThat(fillA.firstFailure()).as("filling full-a (48 MiB of a 63 MiB pool)").isNull();
    ChaosSummary.step("full-a written whole: %d blocks", fillA.blocksAcknowledged());

    AckedWriteChecker.Fill fillB;
    try (NbdClient c = cluster.connect(via, "full-b")) {
      fillB = b.fill(c, 0, VOLUME_BLOCKS, BLOCKS_PER_WRITE, QUEUE_DEPTH);
    }
    ChaosSummary.row().acked(b.acknowledged()).injected(1);
    ChaosSummary.step("full-b took %d blocks before %s", fillB.blocksAcknowledged(), fillB.firstFailure());
    assertThat(fillB.firstFailure()).as("writing past the end of the devices").isInstanceOf(NbdClient.NbdReplyError.class);
    assertThat(((NbdClient.NbdReplyError) fillB.firstFailure()).errno).as("the error of a write that found no space")
        .isEqualTo(ENOSPC);
    long freeBlocksAtStart = (DEVICE_BYTES - MIB) / BlockRecord.SIZE - VOLUME_BLOCKS;
    assertThat(fillB.blocksAcknowledged()).as("blocks of full-b written before the devices were full")
        .isBetween(freeBlocksAtStart / 2, freeBlocksAtStart);

    // Still full: another write is refused with ENOSPC, not EIO or a dropped connection.
    try (NbdClient c = cluster.connect(via, "full-b")) {
      long last = (long) (VOLUME_BLOCKS - 1) * BlockRecord.SIZE;
      try {
        c.write(last, BlockRecord.encode(VOLUME_BLOCKS - 1, 1_000_000)).get(60, TimeUnit.SECONDS);
        throw new AssertionError("a write succeeded on full devices");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).as("a write on full devices").isInstanceOf(NbdClient.NbdReplyError.class);
        assertThat(((NbdClient.NbdReplyError) e.getCause()).errno).as("its NBD error").isEqualTo(ENOSPC);
      }
    }
    // Every node still runs and answers; each serves both volumes from its own replica (read below).
    for (NodeProcess n : cluster.nodes()) {
      assertThat(n.isAlive()).as("node %s is running", n.address()).isTrue();
      assertThat(n.api("GET", "/v1/status", null).status()).as("status on %s", n.address()).isEqualTo(200);
    }
    ChaosSummary.step("devices full: another write is ENOSPC; every node runs and answers");
    cluster.awaitInSync(via, "full-a");
    cluster.verifyOnEveryNode(a, "full-a");
    cluster.verifyOnEveryNode(b, "full-b");

    // Deleting full-a gives its space back: the rest of full-b can be written.
    NodeProcess.Reply deleted = via.api("DELETE", "/v1/volumes/full-a", null);
    assertThat(deleted.status()).as("delete full-a: %s", deleted.body()).isBetween(200, 204);
    int resumeAt = (int) Math.max(0, fillB.blocksAcknowledged() - (long) BLOCKS_PER_WRITE * QUEUE_DEPTH);
    long before = b.acknowledged();
    AckedWriteChecker.Fill rest;
    try (NbdClient c = cluster.connect(via, "full-b")) {
      rest = b.fill(c, resumeAt, VOLUME_BLOCKS - resumeAt, BLOCKS_PER_WRITE, QUEUE_DEPTH);
    }
    ChaosSummary.row().acked(b.acknowledged() - before);
    assertThat(rest.firstFailure()).as("writing the rest of full-b after full-a was deleted").isNull();
    ChaosSummary.step("full-a deleted; the rest of full-b written (%d blocks)", rest.blocksAcknowledged());
    cluster.awaitInSync(via, "full-b");
    cluster.verifyOnEveryNode(b, "full-b");
  }
}
