package io.pxlite.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.device.DeviceFault;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.StoreIOException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code /v1/status} says of a failed device: the node names it (a real store, its device failing through the fault hook). */
class LocalNodeStoreFailureTest {
  @TempDir Path dir;

  @Test
  void aFailedDeviceSyncIsReportedNamingTheDevice() {
    Path device = dir.resolve("dev0.img");
    BlockStore store = BlockStore.open(new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(device, 16L << 20)), "c1", "n1", false));
    try {
      LocalNode node = new LocalNode("n1", null, store);
      assertThat(node.storeFailure()).isEmpty();
      store.injectDeviceFaultForTest((d, op) -> {
        if (op == DeviceFault.Op.SYNC) {
          throw new IOException("Input/output error (injected)");
        }
      });
      assertThatThrownBy(store::checkpoint).isInstanceOf(StoreIOException.class);
      assertThat(node.storeFailure()).get().asString()
          .startsWith("device " + device + " (")
          .contains("replicas stop applying")
          .contains("Input/output error (injected)");
    } finally {
      store.close();
    }
  }
}
