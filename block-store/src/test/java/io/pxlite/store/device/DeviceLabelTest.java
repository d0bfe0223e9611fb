package io.pxlite.store.device;

import io.pxlite.store.BlockStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeviceLabelTest {
  @Test
  void roundTrips() throws Exception {
    DeviceLabel label = new DeviceLabel("cluster-ä", "node-7", UUID.randomUUID(), 123L << 30);
    byte[] block = label.encode();
    assertThat(block).hasSize(BlockStore.BLOCK_SIZE);
    assertThat(new String(block, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PXLITEDV");
    assertThat(DeviceLabel.decode(block)).contains(label);
  }

  @Test
  void aBlockWithoutTheMagicIsNoLabel() throws Exception {
    assertThat(DeviceLabel.decode(new byte[BlockStore.BLOCK_SIZE])).isEmpty();
  }

  @Test
  void aFlippedBitDamagesTheLabel() {
    byte[] block = new DeviceLabel("c", "n", UUID.randomUUID(), 1 << 30).encode();
    block[40] ^= 1;
    assertThatThrownBy(() -> DeviceLabel.decode(block))
        .isInstanceOf(DeviceLabel.DamagedLabelException.class)
        .hasMessageContaining("checksum");
  }
}
