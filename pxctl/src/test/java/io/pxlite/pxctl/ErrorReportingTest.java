package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit-code contract: 1 with one clear line for server and connection errors, 2 for usage errors. */
class ErrorReportingTest {
  @TempDir Path dir;

  @Test
  void missingUnixSocketSaysSoAndAsksIfTheNodeRuns() {
    Path socket = dir.resolve("api.sock");

    PxctlRun run = PxctlRun.of("--endpoint", socket.toString(), "status");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("pxctl: cannot reach pxlite at " + socket + ": no such socket (is the node running?)\n");
  }

  @Test
  void staleUnixSocketIsConnectionRefused() throws Exception {
    Path socket = dir.resolve("api.sock");
    // A closed listener leaves its socket file behind, exactly like a crashed node.
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
    }

    PxctlRun run = PxctlRun.of("--endpoint", socket.toString(), "volume", "list");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "pxctl: cannot reach pxlite at " + socket + ": connection refused (is the node running?)\n");
  }

  @Test
  void closedTcpPortIsConnectionRefused() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }

    PxctlRun run = PxctlRun.of("--endpoint", "http://127.0.0.1:" + port, "volume", "list");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "pxctl: cannot reach pxlite at http://127.0.0.1:" + port + ": connection refused (is the node running?)\n");
  }

  @Test
  void errorWithoutJsonBodyIsDescribedWithItsStatus() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/volumes", 502, "<html>bad gateway</html>");
    try (CannedServer server = new TcpCannedServer(api)) {
      PxctlRun run = PxctlRun.against(server, "volume", "list");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo(
          "pxctl: pxlite at " + server.endpoint() + " answered HTTP 502: <html>bad gateway</html>\n");
    }
  }

  @Test
  void successWithoutJsonIsReportedNotPrinted() throws Exception {
    CannedApi api = new CannedApi().on("GET", "/v1/status", 200, "hello");
    try (CannedServer server = new UnixCannedServer(api, dir.resolve("api.sock"), UnixCannedServer.Framing.CONTENT_LENGTH)) {
      PxctlRun run = PxctlRun.against(server, "status");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: pxlite at " + server.endpoint()
          + " answered GET /v1/status with something that is not JSON: hello\n");
    }
  }

  @Test
  void unknownFlagIsAUsageError() {
    PxctlRun run = PxctlRun.of("--endpoint", dir.resolve("api.sock").toString(), "volume", "list", "--bogus");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Unknown option: '--bogus'").contains("Usage: pxctl volume list");
  }

  @Test
  void unknownCommandIsAUsageError() {
    PxctlRun run = PxctlRun.of("volume", "frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument at index 1: 'frobnicate'");
  }

  @Test
  void aNounWithoutAVerbIsAUsageError() {
    PxctlRun bare = PxctlRun.of();
    PxctlRun noun = PxctlRun.of("snap");

    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.err()).startsWith("Missing required subcommand").contains("Usage: pxctl");
    assertThat(noun.exitCode()).isEqualTo(2);
    assertThat(noun.err()).startsWith("Missing required subcommand").contains("Usage: pxctl snap");
  }

  @Test
  void nonIntegerReplIsRejectedBeforeAnyRequest() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = new TcpCannedServer(api)) {
      PxctlRun run = PxctlRun.against(server, "volume", "create", "db", "--repl", "two");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).startsWith("Invalid value for option '--repl': 'two' is not an int");
      assertThat(api.received()).isEmpty();
    }
  }

  @Test
  void labelWithoutEqualsIsAUsageError() {
    PxctlRun run = PxctlRun.of("volume", "create", "db", "--label", "app");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Value for option option '--label' (KEY=VALUE) should be in KEY=VALUE").contains("format but was app");
  }

  @Test
  void unsupportedEndpointIsAUsageError() {
    PxctlRun run = PxctlRun.of("--endpoint", "tcp://node:9001", "status");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Invalid value for option '--endpoint': unsupported endpoint tcp://node:9001");
  }

  @Test
  void versionAndHelpSucceed() {
    PxctlRun version = PxctlRun.of("--version");
    PxctlRun help = PxctlRun.of("--help");
    PxctlRun verbHelp = PxctlRun.of("volume", "create", "--help");

    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("pxctl ");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("status", "cluster", "volume", "snap", "--endpoint", "--json");
    assertThat(verbHelp.exitCode()).isZero();
    assertThat(verbHelp.out()).contains("--size", "--repl", "--block_size", "--io_priority", "--snap_interval");
  }
}
