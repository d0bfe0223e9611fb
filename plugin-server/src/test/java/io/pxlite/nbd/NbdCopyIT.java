package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk copies with libnbd's nbdcopy (several connections, since the server offers multi-conn;
 * zeroing for the source's holes) and checked with qemu-img compare.
 */
@ExtendWith(NettyLeakCheck.class)
class NbdCopyIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int MIB = 1 << 20;

  @TempDir Path dir;
  private ServedExports served;

  @BeforeEach
  void start() {
    ExternalCommand.require("nbdcopy");
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void randomImageCopiedInAndOutIsByteIdentical() throws Exception {
    byte[] image = new byte[8 * MIB];
    new Random(1).nextBytes(image);
    // A zero run in the middle: nbdcopy turns it into zeroing requests rather than data.
    Arrays.fill(image, 3 * MIB, 5 * MIB, (byte) 0);
    Path source = Files.write(dir.resolve("in.img"), image);

    ExternalCommand.Result in = ExternalCommand.run(TIMEOUT,
        List.of("nbdcopy", "--flush", "--connections=4", source.toString(), served.uri("vol")));
    assertThat(in.exitCode()).as(in.describe()).isZero();
    assertThat(served.volume().get(0, image.length)).as("export contents").isEqualTo(image);

    Path copy = dir.resolve("out.img");
    ExternalCommand.Result out = ExternalCommand.run(TIMEOUT,
        List.of("nbdcopy", "--connections=4", served.uri("vol"), copy.toString()));
    assertThat(out.exitCode()).as(out.describe()).isZero();
    byte[] copied = Files.readAllBytes(copy);
    assertThat(copied).hasSize((int) ServedExports.VOLUME_SIZE);
    assertThat(Arrays.copyOf(copied, image.length)).isEqualTo(image);
    assertZeroes(copied, image.length);

    if (ExternalCommand.installed("qemu-img")) {
      // qemu-img allows a size mismatch when the longer image's tail reads as zeroes.
      ExternalCommand.Result compare = ExternalCommand.run(TIMEOUT,
          List.of("qemu-img", "compare", "-f", "raw", "-F", "raw", source.toString(), served.uri("vol")));
      assertThat(compare.exitCode()).as(compare.describe()).isZero();
      assertThat(compare.stdout()).as(compare.describe()).contains("Images are identical");
    }
  }

  @Test
  void snapshotCopiesOutIntact() throws Exception {
    Path copy = dir.resolve("snap.img");
    ExternalCommand.Result out = ExternalCommand.run(TIMEOUT,
        List.of("nbdcopy", served.uri("snap"), copy.toString()));
    assertThat(out.exitCode()).as(out.describe()).isZero();
    byte[] copied = Files.readAllBytes(copy);
    assertThat(copied).hasSize((int) ServedExports.SNAPSHOT_SIZE);
    assertThat(Arrays.copyOf(copied, ServedExports.SNAPSHOT_DATA)).isEqualTo(served.snapshotData);
    assertZeroes(copied, ServedExports.SNAPSHOT_DATA);
  }

  @Test
  void copyingIntoASnapshotFails() throws Exception {
    Path source = Files.write(dir.resolve("small.img"), new byte[MIB]);
    ExternalCommand.Result in = ExternalCommand.run(TIMEOUT,
        List.of("nbdcopy", source.toString(), served.uri("snap")));
    assertThat(in.exitCode()).as(in.describe()).isNotZero();
    assertThat(served.snapshot().get(0, ServedExports.SNAPSHOT_DATA)).isEqualTo(served.snapshotData);
  }

  /** AssertJ's containsOnly boxes every byte; tens of MiB need a plain loop. */
  private static void assertZeroes(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        throw new AssertionError("expected zeroes from " + from + " but byte " + i + " is " + bytes[i]);
      }
    }
  }
}
