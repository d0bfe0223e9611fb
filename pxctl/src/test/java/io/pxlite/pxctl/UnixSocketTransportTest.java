package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** pxctl's hand-rolled HTTP/1.1 client on a unix socket: every body framing, and its deadline. */
class UnixSocketTransportTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(UnixCannedServer.Framing.class)
  void readsTheBodyWhateverItsFraming(UnixCannedServer.Framing framing) throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes", 200, CannedBodies.VOLUMES);
    try (CannedServer server = new UnixCannedServer(api, dir.resolve("api.sock"), framing)) {
      PxctlRun run = PxctlRun.against(server, "volume", "list");

      assertThat(run.err()).isEmpty();
      assertThat(run.out()).contains("vol-1   db    10 GiB", "vol-22  logs  512 MiB");
    }
  }

  @ParameterizedTest
  @EnumSource(UnixCannedServer.Framing.class)
  void sendsTheBodyWithItsLength(UnixCannedServer.Framing framing) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/snapshots", 201, CannedBodies.SNAPSHOT);
    try (CannedServer server = new UnixCannedServer(api, dir.resolve("api.sock"), framing)) {
      PxctlRun run = PxctlRun.against(server, "snap", "create", "dé");

      assertThat(run.out()).isEqualTo("Volume successfully snapped: snap-7\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"volume\":\"dé\"}");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    Path socket = dir.resolve("api.sock");
    // Bound and listening but never accepting: connect succeeds from the backlog, no answer comes.
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      Endpoint endpoint = Endpoint.parse(socket.toString());
      ApiTransport transport = new UnixSocketTransport(endpoint, socket, Duration.ofMillis(200));

      assertThatThrownBy(() -> transport.exchange("GET", "/v1/status", null))
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("no answer within 200 ms");
    }
  }

  @Test
  void timeoutReachesTheUserAsOneLine() throws Exception {
    Path socket = dir.resolve("api.sock");
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      Endpoint endpoint = Endpoint.parse(socket.toString());
      PxliteClient client = new PxliteClient(endpoint, new UnixSocketTransport(endpoint, socket, Duration.ofMillis(100)));

      assertThatThrownBy(() -> client.get("/v1/status"))
          .isInstanceOf(PxctlException.class)
          .hasMessage("pxlite at " + socket + " did not answer GET /v1/status in time (no answer within 100 ms)");
    }
  }
}
