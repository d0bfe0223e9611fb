package io.pxlite.node.volume.qos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.api.IoLimits;
import io.pxlite.nbd.IoGate;
import io.pxlite.statemachine.ForegroundActivity;
import org.junit.jupiter.api.Test;

class VolumeIoControlTest {
  @Test
  void everyAdmittedRequestMarksClientsBusy() {
    ForegroundActivity clients = new ForegroundActivity();
    try (VolumeIoControl control = new VolumeIoControl(clients)) {
      IoGate gate = control.gate(7, "v", "low", IoLimits.NONE);
      assertThat(clients.busy()).as("before any request").isFalse();
      gate.admit(IoGate.Direction.WRITE, 4096);
      gate.finished(IoGate.Direction.WRITE, 4096);
      assertThat(clients.busy()).as("right after a request").isTrue();
    }
  }
}
