package io.pxlite.statemachine;

import static io.pxlite.statemachine.LocalRaftFixture.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.EventOutcome.Code;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceFault;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.StoreIOException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing device under the applier (a real store on real files, the device layer failing through
 * its fault hook): no path lets the store's error out, each makes the replica unhealthy and says why.
 */
class EventApplierFaultTest {
  private static final String STREAM = "g1";
  @TempDir Path dir;
  private BlockStore store;
  private EventApplier applier;

  @BeforeEach
  void open() {
    store = BlockStore.open(new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(dir.resolve("dev0.img"), 64L << 20)), "c1", "n1", false));
    applier = new EventApplier(store);
    assertThat(applier.apply(at(1), new VolumeEvent.CreateVolume(7, 1L << 20)).isOk()).isTrue();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ApplyPosition at(long index) {
    return new ApplyPosition(STREAM, index, 1);
  }

  /** Fails the store as a lost device sync does: the checkpoint's sync throws EIO. */
  private void failStoreBySync() {
    store.injectDeviceFaultForTest((device, op) -> {
      if (op == DeviceFault.Op.SYNC) {
        throw new IOException("Input/output error (injected)");
      }
    });
    assertThatThrownBy(store::checkpoint).isInstanceOf(StoreIOException.class);
    assertThat(store.failure()).isPresent();
  }

  @Test
  void aSlotWriteErrorMakesTheReplicaUnhealthyAndFailsTheStoreNamingTheDevice() {
    store.injectDeviceFaultForTest((device, op) -> {
      if (op == DeviceFault.Op.WRITE) {
        throw new IOException("Input/output error (injected)");
      }
    });
    EventOutcome outcome = applier.apply(at(2), new VolumeEvent.Write(7, 0, block(1)));
    assertThat(outcome.code()).isEqualTo(Code.REPLICA_UNHEALTHY);
    assertThat(applier.unhealthyReason()).contains("log index 2").contains("dev0.img");
    assertThat(store.failure()).get().satisfies(f -> assertThat(f.device()).isEqualTo(dir.resolve("dev0.img")));
    assertThat(applier.apply(at(3), new VolumeEvent.Write(7, 0, block(2))).code()).isEqualTo(Code.REPLICA_UNHEALTHY);
  }

  @Test
  void aRefusalThatCannotBeRecordedMakesTheReplicaUnhealthyInsteadOfThrowing() {
    failStoreBySync();
    // A malformed entry is refused by every replica; recording that refusal hits the failed store.
    ByteString outcome = applier.applyEntry(at(2), ByteString.copyFromUtf8("not an event"));
    assertThat(EventOutcome.decode(outcome, 2).code()).isEqualTo(Code.REPLICA_UNHEALTHY);
    assertThat(applier.unhealthyReason()).contains("recording a refused event").contains("log index 2");
  }

  @Test
  void anAppliedPositionThatCannotBeRecordedMakesTheReplicaUnhealthyInsteadOfThrowing() {
    failStoreBySync();
    // The witness branch and configuration entries only record the position.
    applier.recordApplied(at(2));
    assertThat(applier.unhealthyReason()).contains("recording its applied position").contains("log index 2");
    applier.recordApplied(at(3));
    assertThat(applier.unhealthyReason()).as("the first cause is kept").contains("log index 2");
    assertThat(store.applied(STREAM).index()).isEqualTo(1);
  }

  @Test
  void aWriteAfterTheStoreFailedIsRefusedAsUnhealthyAndNothingMoves() {
    failStoreBySync();
    EventOutcome outcome = applier.apply(at(2), new VolumeEvent.Write(7, 0, block(1)));
    assertThat(outcome.code()).isEqualTo(Code.REPLICA_UNHEALTHY);
    assertThat(store.applied(STREAM).index()).isEqualTo(1);
  }

  @Test
  void aStoreFailingElsewhereMakesEveryReplicaOnItUnhealthyAndTellsItOnce() {
    java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
    EventApplier other = new EventApplier(store, told::incrementAndGet);
    Runnable unsubscribe = store.whenFailed(f -> other.storeFailed("device " + f.device() + " failed", "g2"));
    assertThat(other.unhealthyReason()).isNull();

    failStoreBySync();

    assertThat(other.unhealthyReason()).as("a group that applied nothing meanwhile")
        .contains("replica of group g2 stopped applying: device " + dir.resolve("dev0.img") + " failed");
    assertThat(told).hasValue(1);
    EventOutcome refused = other.apply(new ApplyPosition("g2", 1, 1), new VolumeEvent.CreateVolume(8, 1L << 20));
    assertThat(refused.code()).isEqualTo(Code.REPLICA_UNHEALTHY);
    other.markUnhealthy(new ApplyPosition("g2", 2, 1), "applying", new StoreIOException("again"));
    assertThat(told).as("told once, not again").hasValue(1);
    unsubscribe.run();
  }
}
