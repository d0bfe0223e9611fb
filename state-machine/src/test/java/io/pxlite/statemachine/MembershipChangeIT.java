package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static io.pxlite.statemachine.LocalRaftFixture.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.StoreConfig;
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
 * Three real Ratis servers with real stores in one JVM: a group's log client opened before its
 * members changed (as an NBD connection holds one) keeps working after the member it addressed —
 * the leader — left the group, for writes and for reads.
 */
class MembershipChangeIT {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  @TempDir Path dir;
  private final List<BlockStore> stores = new ArrayList<>();
  private final List<JournalServer> journals = new ArrayList<>();

  private JournalServer startNode(String id, int port) {
    Path home = dir.resolve(id);
    BlockStore store = BlockStore.open(new StoreConfig(home.resolve("index"),
        List.of(new DeviceConfig(home.resolve("dev0.img"), 128L << 20)), "c1", id, false));
    stores.add(store);
    JournalServer journal = JournalServer.start(id, new InetSocketAddress("127.0.0.1", port), home.resolve("raft"),
        VolumeStateMachine.registry(store));
    journals.add(journal);
    return journal;
  }

  @AfterEach
  void stop() {
    journals.forEach(JournalServer::close);
    stores.forEach(BlockStore::close);
  }

  @Test
  void aLogOpenedBeforeItsLeaderLeftTheGroupWritesAndReadsThroughTheMembersThatStayed() throws Exception {
    List<ReplicaPeer> peers = new ArrayList<>();
    for (String id : List.of("n1", "n2", "n3")) {
      int port = freePort();
      peers.add(new ReplicaPeer(id, "127.0.0.1:" + port));
      startNode(id, port);
    }
    ReplicaGroup three = ReplicaGroup.newGroup(peers);
    GroupLog log = journals.get(0).join(three);
    assertThat(log.submit(new VolumeEvent.CreateVolume(42, 64L << 20)).get(60, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(log.transferLeadership("n3", Duration.ofSeconds(30))).as("n3 leads").isTrue();
    // The client learns that n3 leads.
    assertThat(log.submit(new VolumeEvent.Write(42, 0, block(1))).get(60, TimeUnit.SECONDS).isOk()).isTrue();

    journals.get(0).changeMembers(three, three.withMembers(List.of(peers.get(0))), Duration.ofSeconds(60));

    assertThat(journals.get(2).hosts(three)).as("n3 left").isFalse();

    // The old client still addresses n3, which no longer has the group.
    long applied = log.appliedIndex().get(60, TimeUnit.SECONDS);
    assertThat(applied).as("a read through the log opened before the change").isPositive();
    assertThat(log.submit(new VolumeEvent.Write(42, BLOCK, block(2))).get(60, TimeUnit.SECONDS).isOk())
        .as("a write through it").isTrue();
    ByteBuffer dst = ByteBuffer.allocate(BLOCK);
    stores.get(0).view(42).read(BLOCK, dst);
    assertThat(dst).isEqualTo(block(2));
  }
}
