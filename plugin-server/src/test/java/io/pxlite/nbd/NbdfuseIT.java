package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export mounted as a file with nbdfuse, then used with ordinary file I/O: the kernel's page
 * cache and FUSE in front of libnbd. Skipped where FUSE is unavailable.
 */
@ExtendWith(NettyLeakCheck.class)
class NbdfuseIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ServedExports served;
  private Process nbdfuse;
  private Path mountpoint;

  @BeforeEach
  void mount() throws Exception {
    ExternalCommand.require("nbdfuse", "fusermount3");
    assertThat(Path.of("/dev/fuse")).as("/dev/fuse (the FUSE device nbdfuse needs)").exists();
    served = new ServedExports(dir);
    mountpoint = Files.createDirectory(dir.resolve("mnt"));
    Path pidfile = dir.resolve("nbdfuse.pid");
    Path log = dir.resolve("nbdfuse.log");
    nbdfuse = new ProcessBuilder("nbdfuse", "-P", pidfile.toString(), mountpoint.resolve("vol").toString(),
        served.uri("vol"))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    // nbdfuse writes its pidfile once the mount is ready (or exits if it cannot mount).
    Poll.until(TIMEOUT, () -> Files.exists(pidfile) || !nbdfuse.isAlive(), () -> "nbdfuse to mount");
    assertThat(nbdfuse.isAlive()).as("nbdfuse mounted (its log: %s)", read(log)).isTrue();
  }

  @AfterEach
  void unmount() throws Exception {
    try {
      if (nbdfuse != null && nbdfuse.isAlive()) {
        ExternalCommand.Result result =
            ExternalCommand.run(TIMEOUT, List.of("fusermount3", "-u", mountpoint.toString()));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(nbdfuse.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("nbdfuse exits after unmount").isTrue();
      }
    } finally {
      if (nbdfuse != null) {
        nbdfuse.destroyForcibly();
      }
      if (served != null) {
        served.close();
      }
    }
  }

  @Test
  void fileWritesReachTheExportAndReadBack() throws Exception {
    byte[] data = new byte[4 << 20];
    new Random(3).nextBytes(data);
    Path file = mountpoint.resolve("vol");
    assertThat(Files.size(file)).isEqualTo(ServedExports.VOLUME_SIZE);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(data), 1 << 20);
      channel.force(true);
      ByteBuffer back = ByteBuffer.allocate(data.length);
      while (back.hasRemaining()) {
        channel.read(back, (1 << 20) + back.position());
      }
      assertThat(back.array()).isEqualTo(data);
    }
    assertThat(served.volume().get(1 << 20, data.length)).as("export contents after fsync").isEqualTo(data);
    assertThat(served.volume().flushes.get()).as("fsync became NBD_CMD_FLUSH").isPositive();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
