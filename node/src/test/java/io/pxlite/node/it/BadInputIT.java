package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input of every kind gets a clear error, and the node keeps serving everyone else. */
class BadInputIT {
  private static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("badinput");
    cluster.node.createVolume("good", "16M");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void assertStillServing() throws Exception {
    try (NbdClient c = NbdClient.connect(cluster.node.nbdSocket(), "good")) {
      ByteBuffer data = BlockRecord.encode(1, 1);
      c.write(4096, data.duplicate()).get(30, TimeUnit.SECONDS);
      assertThat(c.read(4096, 4096).get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }
  }

  private static SocketChannel raw() throws Exception {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(cluster.node.nbdSocket()));
    return ch;
  }

  /** Reads until the server closes the connection; fails if it stays open past the deadline. */
  private static void assertClosedByServer(SocketChannel ch) throws Exception {
    ch.configureBlocking(false);
    ByteBuffer sink = ByteBuffer.allocate(4096);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Selector selector = Selector.open()) {
      ch.register(selector, SelectionKey.OP_READ);
      while (System.nanoTime() < deadline) {
        selector.select(500);
        selector.selectedKeys().clear();
        sink.clear();
        if (ch.read(sink) < 0) {
          return;
        }
      }
    }
    throw new AssertionError("server kept the connection open");
  }

  @Test
  void garbageHandshakeClosesOnlyThatConnection() throws Exception {
    try (SocketChannel ch = raw()) {
      byte[] junk = new byte[256];
      new Random(1).nextBytes(junk);
      ch.write(ByteBuffer.wrap(junk));
      assertClosedByServer(ch);
    }
    assertStillServing();
  }

  @Test
  void badRequestMagicClosesThatConnectionAndOutOfRangeReadIsEinval() throws Exception {
    try (NbdClient c = NbdClient.connect(cluster.node.nbdSocket(), "good")) {
      assertThatThrownBy(() -> c.read(c.size() - 4096, 8192).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .satisfies(e -> assertThat(((NbdClient.NbdReplyError) e.getCause()).errno).as("EINVAL").isEqualTo(22));
      assertThat(c.read(0, 4096).get(30, TimeUnit.SECONDS).remaining()).as("connection still usable").isEqualTo(4096);
    }
    try (SocketChannel ch = raw()) {
      // Handshake properly, then send a request with a wrong magic.
      ByteBuffer hello = ByteBuffer.allocate(18);
      while (hello.hasRemaining()) {
        ch.read(hello);
      }
      ch.write(ByteBuffer.allocate(4).putInt(3).flip());
      byte[] name = "good".getBytes();
      ch.write(ByteBuffer.allocate(16 + 4 + name.length).putLong(0x49484156454F5054L).putInt(1).putInt(name.length)
          .put(name).flip());
      ByteBuffer export = ByteBuffer.allocate(10);
      while (export.hasRemaining()) {
        ch.read(export);
      }
      ch.write(ByteBuffer.allocate(28).putInt(0xdeadbeef).putShort((short) 0).putShort((short) 0).putLong(1)
          .putLong(0).putInt(4096).flip());
      assertClosedByServer(ch);
    }
    assertStillServing();
  }

  @Test
  void invalidConfigNamesTheFieldAndExits() throws Exception {
    Path bad = cluster.dir.resolve("bad.json");
    Files.writeString(bad, "{\"kvdb\": \"etcd:http://127.0.0.1:1\", \"storage\": {\"devices\": [\"/tmp/x.img\"]}}");
    Cmd.Result missing = Cmd.run(Duration.ofSeconds(60), null, NodeProcess.javaCommand("--config", bad.toString()));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.output()).contains("config field 'clusterid': required");

    Files.writeString(bad, "{\"clusterid\": \"c1\", \"kvdb\": 5, \"storage\": {\"devices\": [\"/tmp/x.img\"]}}");
    Cmd.Result wrongType = Cmd.run(Duration.ofSeconds(60), null, NodeProcess.javaCommand("--config", bad.toString()));
    assertThat(wrongType.exitCode()).isEqualTo(2);
    assertThat(wrongType.output()).contains("config field 'kvdb'");

    Files.writeString(bad, "{\"clusterid\": \"c1\", \"kvdb\": \"etcd:http://127.0.0.1:1\", \"storage\": {\"devices\": "
        + "[\"/tmp/x.img\"], \"device_sise\": \"1G\"}}");
    Cmd.Result typo = Cmd.run(Duration.ofSeconds(60), null, NodeProcess.javaCommand("--config", bad.toString()));
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.output()).contains("config field 'storage.device_sise': unknown field");
    assertStillServing();
  }

  @Test
  void badManagementRequestsGetClearErrors() throws Exception {
    NodeProcess node = cluster.node;
    NodeProcess.Reply tooBig = node.api("POST", "/v1/volumes", Map.of("name", "huge", "size", "10T"));
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.body().get("error").asText()).contains("larger than the pool");

    NodeProcess.Reply badSize = node.api("POST", "/v1/volumes", Map.of("name", "x", "size", "10Q"));
    assertThat(badSize.status()).isEqualTo(400);
    assertThat(badSize.body().get("error").asText()).contains("size");

    NodeProcess.Reply dup = node.api("POST", "/v1/volumes", Map.of("name", "good", "size", "1G"));
    assertThat(dup.status()).isEqualTo(409);

    NodeProcess.Reply missing = node.api("GET", "/v1/volumes/nope", null);
    assertThat(missing.status()).isEqualTo(404);
    assertStillServing();
  }
}
