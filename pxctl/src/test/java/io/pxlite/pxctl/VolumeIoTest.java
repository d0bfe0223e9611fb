package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeIoTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode reading(String time, long writes) throws Exception {
    return JSON.readTree(VolumeStatsCommandTest.metrics(time, 0, writes, 0, writes * 4096, 0));
  }

  @Test
  void theNodesClockWinsOverPxctls() throws Exception {
    Map<String, VolumeIo> io = VolumeIo.between(reading("2026-12-06T12:00:00Z", 100),
        reading("2026-12-06T12:00:00.500Z", 600), 9.0);

    assertThat(io.get("vol-1").seconds()).isEqualTo(0.5);
    assertThat(io.get("vol-1").writeIops()).isEqualTo(1000.0);
  }

  @Test
  void withoutAValidNodeTimePxctlsOwnClockIsUsed() throws Exception {
    Map<String, VolumeIo> io = VolumeIo.between(reading("", 100), reading("not a time", 900), 4.0);

    assertThat(io.get("vol-1").seconds()).isEqualTo(4.0);
    assertThat(io.get("vol-1").writeIops()).isEqualTo(200.0);
    assertThat(io.get("vol-1").writeMBps()).isEqualTo(0.8192);
  }
}
