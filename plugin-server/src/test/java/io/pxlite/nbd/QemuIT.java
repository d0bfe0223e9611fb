package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** qemu's own NBD client (qemu-io, qemu-img), over the unix socket and over TCP. */
@ExtendWith(NettyLeakCheck.class)
class QemuIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ServedExports served;

  @AfterEach
  void stop() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void qemuIoWritesPatternsZeroesAndDiscards() {
    ExternalCommand.require("qemu-io");
    served = new ServedExports(dir);
    ExternalCommand.Result result = ExternalCommand.run(TIMEOUT, List.of("qemu-io", "-f", "raw",
        "-c", "write -P 0xab 0 1M",
        "-c", "write -f -P 0xcd 1M 64k", // FUA
        "-c", "write -z 2M 1M",
        "-c", "discard 3M 1M",
        "-c", "flush",
        "-c", "read -P 0xab 0 1M",
        "-c", "read -P 0xcd 1M 64k",
        "-c", "read -P 0 2M 2M",
        served.uri("vol")));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout() + result.stderr()).as(result.describe())
        .doesNotContain("Pattern verification failed")
        .doesNotContain("failed")
        .contains("read 1048576/1048576 bytes at offset 0", "read 2097152/2097152 bytes at offset 2097152");
    assertThat(served.volume().get(0, 4)).containsOnly((byte) 0xab);
    assertThat(served.volume().flushes.get()).isPositive();
  }

  @Test
  void qemuImgMapSeesDataAndZeroes() throws Exception {
    ExternalCommand.require("qemu-img");
    served = new ServedExports(dir);
    ExternalCommand.Result result = ExternalCommand.run(TIMEOUT,
        List.of("qemu-img", "map", "--output=json", "-f", "raw", served.uri("snap")));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    JsonNode map = new ObjectMapper().readTree(result.stdout());
    assertThat(map).as(result.describe()).hasSize(2);
    assertThat(map.get(0).get("length").asLong()).isEqualTo(ServedExports.SNAPSHOT_DATA);
    assertThat(map.get(0).get("data").asBoolean()).isTrue();
    assertThat(map.get(1).get("zero").asBoolean()).isTrue();
    assertThat(map.get(1).get("data").asBoolean()).isFalse();
  }

  @Test
  void servesOverTcpWhenConfigured() {
    ExternalCommand.require("qemu-img");
    served = new ServedExports(dir, Optional.of(new InetSocketAddress("127.0.0.1", 0)));
    InetSocketAddress tcp = served.server.tcpAddress().orElseThrow();
    assertThat(tcp.getPort()).isPositive();
    ExternalCommand.Result result = ExternalCommand.run(TIMEOUT, List.of("qemu-img", "compare", "-f", "raw",
        "-F", "raw", served.uri("snap"), "nbd://127.0.0.1:" + tcp.getPort() + "/snap"));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).contains("Images are identical");
  }
}
