package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static io.pxlite.statemachine.LocalRaftFixture.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.RatisStandIns;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.device.DeviceConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose last log entry its leader has purged, though the leader's checkpoint is later
 * (Ratis purges to the lowest commit index it knows of, and a restart ends a log segment right
 * there): the leader can no longer prove where the follower's log stands. Ratis 3.2.2's appender
 * died on it with a NullPointerException and the follower got nothing until the leader changed;
 * pxlite's stand-in notifies it to install a snapshot (a rebuild from a member) and it catches up.
 */
class PurgedBoundaryIT {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  private static final long VOLUME = 42;
  /** Ratis purges only past this many entries (RaftSettings' purge gap). */
  private static final int ENTRIES = 1100;
  @TempDir Path dir;
  private final List<ReplicaPeer> peers = new ArrayList<>();
  private final List<BlockStore> stores = new ArrayList<>();
  private final JournalServer[] journals = new JournalServer[3];

  @AfterEach
  void stop() {
    for (JournalServer j : journals) {
      if (j != null) {
        j.close();
      }
    }
    stores.forEach(BlockStore::close);
  }

  private void start(int n) {
    ReplicaPeer peer = peers.get(n);
    int port = Integer.parseInt(peer.raftAddress().substring(peer.raftAddress().indexOf(':') + 1));
    journals[n] = JournalServer.start(peer.nodeId(), new InetSocketAddress("127.0.0.1", port),
        dir.resolve(peer.nodeId()).resolve("raft"), VolumeStateMachine.registry(stores.get(n)));
  }

  @Test
  void aFollowerWhoseLastEntryTheLeaderPurgedIsRebuiltAndCatchesUp() throws Exception {
    assertThat(RatisStandIns.loaded()).as(RatisStandIns.describe()).isTrue();
    for (int n = 0; n < 3; n++) {
      String id = "n" + (n + 1);
      peers.add(new ReplicaPeer(id, "127.0.0.1:" + freePort()));
      Path home = dir.resolve(id);
      stores.add(BlockStore.open(new StoreConfig(home.resolve("index"),
          List.of(new DeviceConfig(home.resolve("dev0.img"), 128L << 20)), "c1", id, false)));
      start(n);
    }
    ReplicaGroup group = ReplicaGroup.newGroup(peers);
    GroupLog log = journals[0].join(group);
    assertThat(log.submit(new VolumeEvent.CreateVolume(VOLUME, 8L << 20)).get(60, TimeUnit.SECONDS).isOk()).isTrue();
    for (int i = 0; i < ENTRIES; i++) {
      assertThat(log.submit(new VolumeEvent.Write(VOLUME, (long) (i % 512) * BLOCK, block(i)))
          .get(60, TimeUnit.SECONDS).isOk()).isTrue();
    }
    for (int n = 0; n < 3; n++) {
      awaitBlock(n, (ENTRIES - 1) % 512, block(ENTRIES - 1));
    }
    long last = journals[2].lastLogIndexForTest(group);

    // n3 goes away with its log ending at `last`; n1 and n2 restart, which ends a segment there.
    journals[2].close();
    journals[2] = null;
    log.close();
    journals[0].close();
    journals[1].close();
    start(0);
    start(1);
    log = journals[0].log(group, java.util.Optional::empty);
    assertThat(log.transferLeadership("n1", Duration.ofSeconds(30))).as("n1 leads").isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(log.submit(new VolumeEvent.Write(VOLUME, (long) i * BLOCK, block(10_000 + i)))
          .get(60, TimeUnit.SECONDS).isOk()).isTrue();
    }
    // The leader checkpoints past `last` but purges only up to it, as it does for a member whose
    // commit index is `last`.
    assertThat(journals[0].checkpointAndPurgeForTest(group, last)).as("n1's log starts right after n3's").isEqualTo(last + 1);
    journals[1].checkpointAndPurgeForTest(group, last);

    start(2);
    for (int i = 0; i < 20; i++) {
      awaitBlock(2, i, block(10_000 + i));
    }
    assertThat(log.submit(new VolumeEvent.Write(VOLUME, 100L * BLOCK, block(20_000))).get(60, TimeUnit.SECONDS).isOk())
        .isTrue();
    awaitBlock(2, 100, block(20_000));
    log.close();
  }

  /** Waits (up to 60 s) until node {@code n}'s store reads {@code expected} in block {@code blockNo}. */
  private void awaitBlock(int n, long blockNo, ByteBuffer expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ByteBuffer dst = ByteBuffer.allocate(BLOCK);
    while (true) {
      dst.clear();
      if (stores.get(n).hasVolume(VOLUME)) {
        stores.get(n).view(VOLUME).read(blockNo * BLOCK, dst);
        if (dst.equals(expected)) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("node n%d's block %d within 60 s", n + 1, blockNo).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
