package io.pxlite.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API on its unix socket, driven by curl as an operator would, and the socket's permissions. */
class ManagementApiUnixSocketTest {
  @TempDir Path dir;
  private Path socket;
  private ManagementApiServer server;

  /** What curl printed: the body, then the status code on the last line (curl's -w). */
  private record CurlResult(int status, String body) {}

  @BeforeEach
  void start() {
    socket = dir.resolve("run/api.sock");
    server = ManagementApiServer.start(new InMemoryManagementService(), new FixedOperations(), socket, Optional.empty());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void socketIsRootOnly() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    assertThat(server.tcpAddress()).isEmpty();
  }

  @Test
  void statusOverTheUnixSocket() throws Exception {
    CurlResult result = curl("GET", "/v1/status", null);

    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body()).contains("\"cluster_id\":\"cluster-a\"", "\"kvdb_reachable\":true");
  }

  @Test
  void volumeLifecycleOverTheUnixSocket() throws Exception {
    CurlResult created = curl("POST", "/v1/volumes", "{\"name\":\"web\",\"size\":\"3\"}");
    CurlResult listed = curl("GET", "/v1/volumes", null);
    CurlResult deleted = curl("DELETE", "/v1/volumes/web", null);
    CurlResult gone = curl("GET", "/v1/volumes/web", null);

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body()).contains("\"size_bytes\":3221225472");
    assertThat(listed.body()).contains("\"name\":\"web\"");
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body()).isEqualTo("{\"error\":\"no volume web\"}");
  }

  @Test
  void errorsOverTheUnixSocketAreJson() throws Exception {
    CurlResult badJson = curl("POST", "/v1/snapshots", "{\"volume\":");
    CurlResult wrongMethod = curl("PATCH", "/v1/snapshots", null);

    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.body()).contains("malformed JSON");
    assertThat(wrongMethod.status()).isEqualTo(405);
  }

  @Test
  void closeRemovesTheSocketFile() {
    server.close();

    assertThat(socket).doesNotExist();
    // @AfterEach closes again: closing twice must be harmless.
  }

  private CurlResult curl(String method, String path, String body) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        "curl", "--silent", "--show-error", "--max-time", "10", "--unix-socket", socket.toString(),
        "-X", method, "-w", "\n%{http_code}", "-H", "Content-Type: application/json"));
    if (body != null) {
      command.addAll(List.of("--data-binary", body));
    }
    command.add("http://localhost" + path);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("curl finished").isTrue();
    assertThat(process.exitValue()).as("curl exit code; output: %s", output).isZero();
    int lastNewline = output.lastIndexOf('\n');
    return new CurlResult(Integer.parseInt(output.substring(lastNewline + 1).trim()), output.substring(0, lastNewline));
  }
}
