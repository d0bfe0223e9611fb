package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real NBD clients (nbdcopy, qemu-img, nbdinfo, fio) against a real node. */
class NbdRoundTripIT {
  private static final Duration T = Duration.ofMinutes(3);
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("roundtrip");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sixtyFourMebibytesGoInWithNbdcopyAndComeOutWithQemuImgIdentical() throws Exception {
    cluster.node.createVolume("copy", "128M");
    String uri = cluster.node.nbdUri("copy");
    byte[] data = new byte[64 << 20];
    new Random(7).nextBytes(data);
    Path in = cluster.dir.resolve("in.img");
    Files.write(in, data);

    Cmd.run(T, "nbdcopy", in.toString(), uri).ok();
    Path out = cluster.dir.resolve("out.img");
    Cmd.run(T, "qemu-img", "convert", "-f", "raw", "-O", "raw", uri, out.toString()).ok();

    byte[] back = Files.readAllBytes(out);
    assertThat(back.length).isEqualTo(128 << 20);
    assertThat(Arrays.equals(back, 0, data.length, data, 0, data.length)).as("first 64 MiB identical").isTrue();
    assertThat(Arrays.equals(back, data.length, back.length, new byte[back.length - data.length], 0,
        back.length - data.length)).as("unwritten 64 MiB read as zeros").isTrue();

    String map = Cmd.run(T, "nbdinfo", "--map", uri).ok().output();
    assertThat(map).as("nbdinfo --map:\n%s", map)
        .containsPattern("(?m)^\\s*0\\s+67108864\\s+0\\s+data")
        .containsPattern("(?m)^\\s*67108864\\s+67108864\\s+3\\s+hole,zero");
  }

  /** The harness puts journal's jar first, as bin/pxlite-node does: Ratis runs with pxlite's stand-ins (CRC32C, timeouts). */
  @Test
  void theNodeRunsRatisWithPxlitesStandIns() throws Exception {
    assertThat(java.nio.file.Files.readString(cluster.node.log()))
        .contains("Ratis runs with pxlite's stand-ins")
        .doesNotContain("Ratis runs without pxlite's stand-ins");
  }

  @Test
  void fioRandomWritesVerifyWithCrc32c() {
    cluster.node.createVolume("fio", "256M");
    Cmd.Result fio = Cmd.run(T, "fio", "--name=verify", "--ioengine=nbd", "--uri=" + cluster.node.nbdUri("fio"),
        "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=64M", "--verify=crc32c", "--verify_fatal=1",
        "--do_verify=1", "--verify_state_save=0", "--output-format=normal");
    assertThat(fio.exitCode()).as("fio output:\n%s", fio.output()).isZero();
    assertThat(fio.output()).doesNotContain("verify: bad").contains("err= 0");
  }

  @Test
  void nbdinfoListsExportsAndReportsSize() {
    cluster.node.createVolume("listed", "32M");
    String info = Cmd.run(T, "nbdinfo", cluster.node.nbdUri("listed")).ok().output();
    assertThat(info).contains("export-size: 33554432").contains("can_multi_conn: true").contains("can_fua: true");
    String list = Cmd.run(T, "nbdinfo", "--list", "nbd+unix://?socket=" + cluster.node.nbdSocket()).ok().output();
    assertThat(list).contains("export=\"listed\"");
  }

  @Test
  void theSameExportIsServedOverTcpOnTheDataAddress() throws Exception {
    cluster.node.createVolume("tcp", "16M");
    byte[] data = new byte[1 << 20];
    new Random(11).nextBytes(data);
    Path in = cluster.dir.resolve("tcp-in.img");
    Files.write(in, data);
    Cmd.run(T, "nbdcopy", in.toString(), cluster.node.nbdTcpUri("tcp")).ok();
    Path out = cluster.dir.resolve("tcp-out.img");
    Cmd.run(T, "nbdcopy", cluster.node.nbdUri("tcp"), out.toString()).ok();
    assertThat(Arrays.equals(Files.readAllBytes(out), 0, data.length, data, 0, data.length))
        .as("written over TCP, read back over the unix socket").isTrue();
  }
}
