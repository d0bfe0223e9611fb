package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static io.pxlite.statemachine.LocalRaftFixture.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.journal.event.EventOutcome.Code;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceFault;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.StoreIOException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real one-peer Ratis group over a store whose device sync failed: the apply path, a checkpoint
 * (Ratis snapshot) and the leader entry after a restart (notifyTermIndexUpdated) all reach the failed
 * store, and the Ratis server survives each — it still answers, with REPLICA_UNHEALTHY.
 */
class StoreFaultIT {
  @TempDir Path dir;

  @Test
  void aFailedStoreMakesTheReplicaUnhealthyWithoutKillingTheRaftServer() throws Exception {
    int port = freePort();
    ReplicaGroup group = ReplicaGroup.newGroup(List.of(new ReplicaPeer("n1", "127.0.0.1:" + port)));
    BlockStore store = BlockStore.open(new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(dir.resolve("dev0.img"), 64L << 20)), "c1", "n1", false));
    try {
      try (JournalServer journal = start(port, store)) {
        GroupLog log = journal.join(group);
        assertThat(log.submit(new VolumeEvent.CreateVolume(42, 1L << 20)).get(60, TimeUnit.SECONDS).isOk()).isTrue();
        store.injectDeviceFaultForTest((device, op) -> {
          if (op == DeviceFault.Op.SYNC) {
            throw new IOException("Input/output error (injected)");
          }
        });
        assertThatThrownBy(store::checkpoint).isInstanceOf(StoreIOException.class);

        assertThat(log.submit(new VolumeEvent.Write(42, 0, block(1))).get(20, TimeUnit.SECONDS).code())
            .isEqualTo(Code.REPLICA_UNHEALTHY);
        RaftClientReply snapshot = takeSnapshot(group, port);
        assertThat(snapshot.isSuccess()).as("the snapshot request is answered, the server lives").isTrue();
        assertThat(log.submit(new VolumeEvent.Write(42, 0, block(2))).get(20, TimeUnit.SECONDS).code())
            .as("still served after the failed checkpoint").isEqualTo(Code.REPLICA_UNHEALTHY);
      }
      // A restart over the same failed store: the new leader's first entry reaches notifyTermIndexUpdated.
      try (JournalServer journal = start(port, store)) {
        GroupLog log = journal.join(group);
        assertThat(log.submit(new VolumeEvent.Write(42, 0, block(3))).get(30, TimeUnit.SECONDS).code())
            .isEqualTo(Code.REPLICA_UNHEALTHY);
      }
    } finally {
      store.close();
    }
  }

  private JournalServer start(int port, BlockStore store) throws IOException {
    return JournalServer.start("n1", new InetSocketAddress("127.0.0.1", port), dir.resolve("raft"),
        VolumeStateMachine.registry(store));
  }

  private static RaftClientReply takeSnapshot(ReplicaGroup group, int port) throws IOException {
    RaftPeer peer = RaftPeer.newBuilder().setId(RaftPeerId.valueOf("n1")).setAddress("127.0.0.1:" + port).build();
    try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
        .setRaftGroup(RaftGroup.valueOf(group.id(), peer)).build()) {
      return client.getSnapshotManagementApi(peer.getId()).create(Duration.ofSeconds(20).toMillis());
    }
  }
}
