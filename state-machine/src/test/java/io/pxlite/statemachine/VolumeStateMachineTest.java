package io.pxlite.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.device.DeviceConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the state machine keeps of entries between their append and their apply. */
class VolumeStateMachineTest {
  @TempDir Path dir;

  /**
   * Ratis keeps a follower's context of each entry from append to apply; a replica catching up holds
   * thousands. The context must not hold the entry's payload, or they all stay on the heap.
   */
  @Test
  void aFollowersContextOfAnEntryKeepsItsHeaderButNotItsPayload() {
    try (BlockStore store = BlockStore.open(new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(dir.resolve("dev0.img"), 64L << 20)), "c1", "n1", false))) {
      StateMachine machine = VolumeStateMachine.registry(store).apply(RaftGroupId.randomId());
      ByteString events = EventCodec.encode(new VolumeEvent.Write(7, 0, ByteBuffer.allocate(64 << 10)));
      LogEntryProto entry = LogEntryProto.newBuilder().setTerm(2).setIndex(5)
          .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
              .setLogData(events).setCallId(9).setClientId(ByteString.copyFromUtf8("client-of-9")))
          .build();

      TransactionContext context = machine.startTransaction(entry, RaftPeerRole.FOLLOWER);

      LogEntryProto kept = context.getLogEntry();
      assertThat(kept.getIndex()).isEqualTo(5);
      assertThat(kept.getTerm()).isEqualTo(2);
      assertThat(kept.getStateMachineLogEntry().getCallId()).isEqualTo(9);
      assertThat(kept.getStateMachineLogEntry().getClientId().toStringUtf8()).isEqualTo("client-of-9");
      assertThat(kept.getStateMachineLogEntry().getLogData().size()).as("payload bytes kept until apply").isZero();
      assertThat(entry.getStateMachineLogEntry().getLogData()).as("the logged entry itself").isEqualTo(events);
    }
  }
}
