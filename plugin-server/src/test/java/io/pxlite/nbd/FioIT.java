package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** fio's nbd engine (libnbd, 16 requests in flight) writing and verifying data through the server. */
@ExtendWith(NettyLeakCheck.class)
class FioIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  @TempDir Path dir;
  private ServedExports served;

  @BeforeEach
  void start() {
    ExternalCommand.require("fio");
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void randomWritesVerifyWithCrc32c() {
    ExternalCommand.Result result = fio("--rw=randwrite", "--bs=4k", "--size=16M");
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).as(result.describe()).doesNotContain("verify:", "bad magic");
    assertThat(served.volume().writes.get()).as("writes through the server").isGreaterThanOrEqualTo(4096);
  }

  @Test
  void mixedSizeUnalignedWritesVerify() {
    // Sizes from 512 bytes to 128 KiB at 512-byte alignment: many requests span 4 KiB blocks.
    ExternalCommand.Result result = fio("--rw=randwrite", "--bsrange=512-128k", "--blockalign=512", "--size=32M",
        "--norandommap");
    assertThat(result.exitCode()).as(result.describe()).isZero();
  }

  private ExternalCommand.Result fio(String... workload) {
    List<String> command = new ArrayList<>(List.of("fio", "--name=pxlite-nbd", "--ioengine=nbd",
        "--uri=" + served.uri("vol"), "--iodepth=16", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
        "--output-format=normal", "--verify_state_save=0"));
    command.addAll(List.of(workload));
    return ExternalCommand.run(TIMEOUT, command);
  }
}
