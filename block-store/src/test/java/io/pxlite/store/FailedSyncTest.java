package io.pxlite.store;

import io.pxlite.store.device.DeviceFault;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.STREAM;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a device sync fails no index state becomes durable that points at the lost writes: the
 * store stops taking changes and checkpoints, and a flush whose own sync fails is stopped (the
 * production listener halts the process; here the stop is recorded instead).
 */
class FailedSyncTest {
  @TempDir Path dir;

  private static DeviceFault failingSyncsAfter(int goodSyncs) {
    AtomicInteger syncs = new AtomicInteger();
    return (device, op) -> {
      if (op == DeviceFault.Op.SYNC && syncs.incrementAndGet() > goodSyncs) {
        throw new IOException("Input/output error (injected)");
      }
    };
  }

  @Test
  void aFailedCheckpointSyncFailsTheStoreNamingTheDeviceAndMakesNothingLaterDurable() {
    StoreFixture f = new StoreFixture(dir);
    BlockStore store = f.open();
    store.createVolume(f.next(), 1, 4 * StoreFixture.MIB);
    store.write(f.next(), 1, 0, random(1, BLOCK));
    store.checkpoint();
    store.write(f.next(), 1, BLOCK, random(2, BLOCK));
    store.injectDeviceFaultForTest(failingSyncsAfter(0));

    assertThatThrownBy(store::checkpoint).isInstanceOf(StoreIOException.class).hasMessageContaining("device0.img");
    assertThat(store.failure()).get().satisfies(failure -> {
      assertThat(failure.device()).isEqualTo(f.device);
      assertThat(failure.deviceId()).isNotBlank();
    });
    assertThatThrownBy(() -> store.write(f.next(), 1, 0, random(3, BLOCK))).isInstanceOf(StoreIOException.class);
    store.close(); // must not checkpoint a failed store

    BlockStore reopened = f.open();
    try {
      assertThat(reopened.applied(STREAM).index()).as("only the last good checkpoint is durable").isEqualTo(2);
      assertThat(reopened.failure()).isEmpty();
    } finally {
      reopened.close();
    }
  }

  @Test
  void aFlushWhoseDeviceSyncFailsIsStoppedBeforeItWritesTheIndex() {
    StoreFixture f = new StoreFixture(dir);
    List<IOException> stopped = new ArrayList<>();
    BlockStore store = StoreLoader.open(f.config(), stopped::add);
    try {
      store.createVolume(f.next(), 1, 4 * StoreFixture.MIB);
      store.write(f.next(), 1, 0, random(1, BLOCK));
      // The checkpoint's own sync passes; the flush listener's sync, just after, fails.
      store.injectDeviceFaultForTest(failingSyncsAfter(1));

      assertThatThrownBy(store::checkpoint).isInstanceOf(StoreIOException.class);
      assertThat(stopped).as("the flush was stopped (the listener runs once per column family)").isNotEmpty();
      assertThat(stopped.get(0)).hasMessageContaining("device0.img");
      assertThat(store.failure()).isPresent();
    } finally {
      store.close();
    }
  }
}
