package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.listen.ListenerBindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Starting, addressing and closing the server. */
@ExtendWith(NettyLeakCheck.class)
class NbdServerTest {
  @TempDir Path dir;

  @Test
  void listensOnARootOnlyUnixSocketAndNoTcpUnlessAsked() throws Exception {
    try (ServedExports served = new ServedExports(dir)) {
      assertThat(served.socket()).isEqualTo(dir.resolve("nbd.sock"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(served.socket()))).isEqualTo("rw-------");
      assertThat(served.server.tcpAddress()).isEmpty();
      served.assertStillServes();
    }
  }

  @Test
  void servesOverTcpOnTheBoundPort() {
    try (ServedExports served = new ServedExports(dir, Optional.of(new InetSocketAddress("127.0.0.1", 0)))) {
      InetSocketAddress tcp = served.server.tcpAddress().orElseThrow();
      assertThat(tcp.getPort()).isPositive();
      try (RawNbdClient client = RawNbdClient.transmitting(tcp, "snap", true, false)) {
        client.sendRequest(0, CMD_READ, 1, 0, 16);
        RawNbdClient.ReplyFrame reply = client.readReply(0);
        assertThat(reply.type()).isEqualTo(REPLY_TYPE_OFFSET_DATA);
      }
    }
  }

  @Test
  void closeDropsConnectionsAndRemovesTheSocketEvenWithWritesInFlight() {
    ServedExports served = new ServedExports(dir);
    InMemoryExport volume = served.volume();
    volume.holdCompletions();
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.sendWrite(0, 1, 0, new byte[65536]);
      Poll.until(Duration.ofSeconds(10), () -> volume.pendingWrites.get() == 1, () -> "the write to reach the export");
      served.server.close();
      assertThat(client.readUntilClosed()).as("no reply once closed").isEmpty();
      assertThat(served.socket()).doesNotExist();
      // The export finishes after the server is gone: its reply has nowhere to go and must be freed.
      volume.releaseCompletions();
      Poll.until(Duration.ofSeconds(10), () -> volume.pendingWrites.get() == 0, () -> "the held write to finish");
    } finally {
      served.catalog.closeAll();
    }
  }

  @Test
  void bindFailureNamesTheAddressAndLeavesNothingBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress busy = new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort());
      Path socket = dir.resolve("nbd.sock");
      assertThatThrownBy(() -> NbdServer.start(new InMemoryCatalog(), socket, Optional.of(busy)))
          .isInstanceOf(ListenerBindException.class)
          .hasMessageContaining(String.valueOf(busy.getPort()));
      assertThat(socket).doesNotExist();
    }
  }
}
