package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real filesystem on a volume, attached the way this machine can (nbdfuse exposes the export as
 * a file, losetup makes it a block device): files written, node restarted, files read back intact.
 */
class FilesystemRestartIT {
  private static final Duration T = Duration.ofMinutes(2);
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("fs");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** nbdfuse + losetup + mount, undone in reverse on close. */
  private static final class Attachment implements AutoCloseable {
    final Path fuseDir;
    final Path mountPoint;
    final Process nbdfuse;
    final String loop;

    Attachment(String export, Path work) throws IOException {
      fuseDir = Files.createDirectories(work.resolve("fuse"));
      mountPoint = Files.createDirectories(work.resolve("mnt"));
      nbdfuse = new ProcessBuilder("nbdfuse", fuseDir.resolve("disk").toString(), cluster.node.nbdUri(export))
          .redirectErrorStream(true).redirectOutput(work.resolve("nbdfuse.log").toFile()).start();
      Path file = fuseDir.resolve("disk");
      Poll.until(Duration.ofSeconds(30), "nbdfuse to expose " + file, () -> Files.exists(file));
      loop = Cmd.run(T, "losetup", "--find", "--show", file.toString()).ok().output().trim();
    }

    void mount() {
      Cmd.run(T, "mount", loop, mountPoint.toString()).ok();
    }

    @Override
    public void close() throws Exception {
      Cmd.run(T, "umount", mountPoint.toString());
      Cmd.run(T, "losetup", "-d", loop);
      Cmd.run(T, "fusermount3", "-u", fuseDir.toString());
      if (!nbdfuse.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        nbdfuse.destroyForcibly();
      }
    }
  }

  @Test
  void ext4FilesSurviveANodeRestart() throws Exception {
    cluster.node.createVolume("fsvol", "256M");
    Path work = cluster.dir.resolve("attach");
    Map<String, String> written = new TreeMap<>();
    try (Attachment a = new Attachment("fsvol", work)) {
      Cmd.run(T, "mkfs.ext4", "-q", "-F", a.loop).ok();
      a.mount();
      Random random = new Random(3);
      for (int i = 0; i < 20; i++) {
        byte[] data = new byte[(i + 1) * 150_000];
        random.nextBytes(data);
        Files.write(a.mountPoint.resolve("file-" + i), data);
        written.put("file-" + i, sha256(data));
      }
      Cmd.run(T, "sync").ok();
    }

    cluster.node.restart();

    try (Attachment a = new Attachment("fsvol", work)) {
      Cmd.run(T, "fsck.ext4", "-n", "-f", a.loop).ok();
      a.mount();
      Map<String, String> read = new TreeMap<>();
      for (String name : written.keySet()) {
        read.put(name, sha256(Files.readAllBytes(a.mountPoint.resolve(name))));
      }
      assertThat(read).isEqualTo(written);
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
