package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static io.pxlite.statemachine.LocalRaftFixture.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.journal.event.EventOutcome;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real one-peer Ratis group over a real block store: events submitted concurrently (and so
 * batched into shared log entries) are all applied, refusals come back as outcomes, and a restart
 * finds the same contents.
 */
class VolumeStateMachineIT {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  @TempDir Path dir;

  private BlockStore openStore() {
    return BlockStore.open(new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(dir.resolve("dev0.img"), 256L << 20)), "c1", "n1", false));
  }

  @Test
  void concurrentEventsAreAllAppliedAndSurviveARestart() throws Exception {
    int port = freePort();
    ReplicaGroup group = ReplicaGroup.newGroup(List.of(new ReplicaPeer("n1", "127.0.0.1:" + port)));
    int writes = 2000;

    BlockStore store = openStore();
    try (JournalServer journal = JournalServer.start("n1", new InetSocketAddress("127.0.0.1", port),
        dir.resolve("raft"), VolumeStateMachine.registry(store))) {
      GroupLog log = journal.join(group);
      assertThat(log.submit(new VolumeEvent.CreateVolume(42, 64L << 20)).get(60, TimeUnit.SECONDS).isOk()).isTrue();

      List<CompletableFuture<EventOutcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        outcomes.add(log.submit(new VolumeEvent.Write(42, (long) i * BLOCK, block(i))));
      }
      CompletableFuture<EventOutcome> pastTheEnd = log.submit(new VolumeEvent.Write(42, 64L << 20, block(0)));
      for (CompletableFuture<EventOutcome> o : outcomes) {
        assertThat(o.get(60, TimeUnit.SECONDS).code()).isEqualTo(EventOutcome.Code.OK);
      }
      assertThat(pastTheEnd.get(60, TimeUnit.SECONDS).code()).isEqualTo(EventOutcome.Code.OUT_OF_RANGE);
      long distinctEntries = outcomes.stream().map(CompletableFuture::join).mapToLong(EventOutcome::logIndex).distinct().count();
      System.out.printf("%d writes committed in %d log entries%n", writes, distinctEntries);
      assertThat(distinctEntries).as("group commit shares entries").isLessThan(writes);
      System.out.printf("entries sent to the local division: %d, through the client: %d%n",
          log.entriesSentLocally(), log.entriesSentThroughClient());
      assertThat(log.entriesSentLocally()).as("the leader's node submits to its own division")
          .isGreaterThanOrEqualTo(distinctEntries);
      assertThat(log.entriesSentThroughClient()).as("nothing went over the loopback client").isZero();

      EventOutcome after = log.submit(new VolumeEvent.Write(42, 0, block(-1))).get(60, TimeUnit.SECONDS);
      assertThat(after.isOk()).as("a refusal does not stop the group").isTrue();
      assertContents(store, writes);
    } finally {
      store.close();
    }

    store = openStore();
    try (JournalServer journal = JournalServer.start("n1", new InetSocketAddress("127.0.0.1", port),
        dir.resolve("raft"), VolumeStateMachine.registry(store))) {
      journal.awaitReplayOfSoleMemberGroups(Duration.ofMinutes(1));
      assertContents(store, writes);
      GroupLog log = journal.join(group);
      assertThat(log.submit(new VolumeEvent.Write(42, BLOCK, block(7))).get(60, TimeUnit.SECONDS).isOk()).isTrue();
      ByteBuffer dst = ByteBuffer.allocate(BLOCK);
      store.view(42).read(BLOCK, dst);
      assertThat(dst).isEqualTo(block(7));
    } finally {
      store.close();
    }
  }

  private static void assertContents(BlockStore store, int writes) {
    ByteBuffer dst = ByteBuffer.allocate(BLOCK);
    store.view(42).read(0, dst);
    assertThat(dst).isEqualTo(block(-1));
    for (int i = 1; i < writes; i++) {
      dst.clear();
      store.view(42).read((long) i * BLOCK, dst);
      assertThat(dst).as("block %d", i).isEqualTo(block(i));
    }
  }
}
