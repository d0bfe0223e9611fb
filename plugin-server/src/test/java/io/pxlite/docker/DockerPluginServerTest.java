package io.pxlite.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pxlite.docker.InMemoryVolumeDriver.Gate;
import io.pxlite.http.HttpServerSettings;
import io.pxlite.http.RawHttpConnection;
import io.pxlite.http.RawHttpConnection.RawResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's volume plugin protocol over a real unix socket against the in-memory driver: every
 * endpoint with valid and invalid requests, then what a misbehaving or impatient caller can do.
 */
@Timeout(60)
class DockerPluginServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1+json";

  @TempDir Path dir;
  private final InMemoryVolumeDriver driver = new InMemoryVolumeDriver();
  private Path socket;
  private DockerPluginServer server;

  @BeforeEach
  void start() {
    socket = dir.resolve("run/docker/plugins/pxd.sock");
    server = DockerPluginServer.start(driver, socket);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  // Each endpoint: valid requests, then invalid ones and refusals.

  @Test
  void activateAnnouncesAVolumeDriver() {
    Reply reply = post("/Plugin.Activate", "");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(reply.body()).isEqualTo("{\"Implements\":[\"VolumeDriver\"]}");
    assertThat(post("/Plugin.Activate", "{}").status()).as("a body is ignored").isEqualTo(200);
    assertThat(send("GET", "/Plugin.Activate", null).error())
        .isEqualTo("405 method GET is not allowed on /Plugin.Activate (allowed: POST)");
  }

  @Test
  void createPassesNameAndOptionsToTheDriver() {
    Reply reply = post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"size\":\"10G\",\"repl\":\"2\"}}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(reply.body()).isEqualTo("{\"Err\":\"\"}");
    assertThat(driver.calls()).containsExactly("create db {size=10G, repl=2}");
  }

  @Test
  void createTakesAbsentOrNullOptsAsNoneAndScalarsAsTheirText() {
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"a\"}").status()).isEqualTo(200);
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"b\",\"Opts\":null}").status()).isEqualTo(200);
    assertThat(post("/VolumeDriver.Create",
        "{\"Name\":\"c\",\"Opts\":{\"size\":10,\"shared\":true,\"ratio\":1.5},\"Future\":[1]}").status())
        .isEqualTo(200);

    assertThat(driver.calls()).containsExactly(
        "create a {}", "create b {}", "create c {size=10, shared=true, ratio=1.5}");
  }

  @Test
  void createRejectsMalformedRequestsNamingTheFieldWithoutCallingTheDriver() {
    assertThat(post("/VolumeDriver.Create", "{\"Opts\":{}}").error()).isEqualTo("400 field 'Name' is required");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":null}").error()).isEqualTo("400 field 'Name' is required");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":7}").error())
        .isEqualTo("400 field 'Name' must be a string, not a number");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"\"}").error())
        .isEqualTo("400 field 'Name' must not be empty");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":[\"size=1\"]}").error())
        .isEqualTo("400 field 'Opts' must be an object, not an array");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"size\":{\"gb\":1}}}").error())
        .isEqualTo("400 field 'Opts.size' must be a string, not an object");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"labels\":[\"a\"]}}").error())
        .isEqualTo("400 field 'Opts.labels' must be a string, not an array");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"size\":null}}").error())
        .isEqualTo("400 field 'Opts.size' must be a string, not null");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\",").error())
        .startsWith("400 malformed JSON at line 1, column ");
    assertThat(post("/VolumeDriver.Create", "").error()).isEqualTo("400 request body is required: a JSON object");
    assertThat(post("/VolumeDriver.Create", "[\"db\"]").error())
        .isEqualTo("400 request body must be a JSON object, not an array");
    assertThat(post("/VolumeDriver.Create", "{\"Name\":\"db\"}").contentType()).isEqualTo(CONTENT_TYPE);

    assertThat(driver.calls()).containsExactly("create db {}");
  }

  @Test
  void createRefusedByTheDriverPassesItsMessageThrough() {
    post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"size\":\"1G\"}}");

    Reply refused = post("/VolumeDriver.Create", "{\"Name\":\"db\",\"Opts\":{\"size\":\"2G\"}}");

    assertThat(refused.status()).isEqualTo(500);
    assertThat(refused.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(refused.body()).isEqualTo("{\"Err\":\"volume db already exists with options {size=1G}\"}");
  }

  @Test
  void removeDeletesAndIsRefusedWhileMounted() {
    create("db");
    post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");

    assertThat(post("/VolumeDriver.Remove", "{\"Name\":\"db\"}").error())
        .isEqualTo("500 volume db is mounted; unmount it first");
    post("/VolumeDriver.Unmount", "{\"Name\":\"db\",\"ID\":\"c1\"}");
    Reply removed = post("/VolumeDriver.Remove", "{\"Name\":\"db\"}");

    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.body()).isEqualTo("{\"Err\":\"\"}");
    assertThat(post("/VolumeDriver.Remove", "{\"Name\":\"db\"}").error()).isEqualTo("500 no such volume: db");
    assertThat(post("/VolumeDriver.Remove", "{\"name\":\"db\"}").error()).isEqualTo("400 field 'Name' is required");
  }

  @Test
  void mountReturnsTheMountpointForTheCaller() {
    create("db");

    Reply reply = post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"Mountpoint\":\"/var/lib/pxlite/mounts/db\",\"Err\":\"\"}");
    assertThat(driver.calls()).endsWith("mount db c1");
  }

  @Test
  void mountWithoutAnIdPassesAnEmptyOne() {
    create("db");

    assertThat(post("/VolumeDriver.Mount", "{\"Name\":\"db\"}").status()).isEqualTo(200);
    assertThat(post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":null}").status()).isEqualTo(200);

    assertThat(driver.calls()).endsWith("mount db ", "mount db ");
  }

  @Test
  void mountRejectsBadRequestsAndPassesRefusals() {
    assertThat(post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":42}").error())
        .isEqualTo("400 field 'ID' must be a string, not a number");
    assertThat(post("/VolumeDriver.Mount", "{\"ID\":\"c1\"}").error()).isEqualTo("400 field 'Name' is required");
    assertThat(driver.calls()).isEmpty();

    assertThat(post("/VolumeDriver.Mount", "{\"Name\":\"nope\",\"ID\":\"c1\"}").error())
        .isEqualTo("500 no such volume: nope");
  }

  @Test
  void unmountReleasesTheCallersMount() {
    create("db");
    post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");

    Reply reply = post("/VolumeDriver.Unmount", "{\"Name\":\"db\",\"ID\":\"c1\"}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"Err\":\"\"}");
    assertThat(post("/VolumeDriver.Path", "{\"Name\":\"db\"}").json().get("Mountpoint").asText()).isEmpty();
  }

  @Test
  void unmountRejectsBadRequestsAndPassesRefusals() {
    create("db");

    assertThat(post("/VolumeDriver.Unmount", "{\"Name\":[\"db\"]}").error())
        .isEqualTo("400 field 'Name' must be a string, not an array");
    assertThat(post("/VolumeDriver.Unmount", "{\"Name\":\"db\"}").error())
        .as("a missing ID is passed as \"\"")
        .isEqualTo("500 volume db is not mounted for ''");
  }

  @Test
  void pathIsTheMountpointOrEmpty() {
    create("db");

    assertThat(post("/VolumeDriver.Path", "{\"Name\":\"db\"}").body())
        .isEqualTo("{\"Mountpoint\":\"\",\"Err\":\"\"}");
    post("/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");
    assertThat(post("/VolumeDriver.Path", "{\"Name\":\"db\"}").body())
        .isEqualTo("{\"Mountpoint\":\"/var/lib/pxlite/mounts/db\",\"Err\":\"\"}");
  }

  @Test
  void pathRejectsBadRequestsAndPassesRefusals() {
    assertThat(post("/VolumeDriver.Path", "{}").error()).isEqualTo("400 field 'Name' is required");
    assertThat(post("/VolumeDriver.Path", "{\"Name\":\"nope\"}").error()).isEqualTo("500 no such volume: nope");
  }

  @Test
  void getAnswersUnderTheNameDockerAskedFor() {
    java.time.Instant before = java.time.Instant.now();
    String inlineSpec = "size=10G,name=demo";
    post("/VolumeDriver.Create", "{\"Name\":\"" + inlineSpec + "\",\"Opts\":{\"size\":\"10G\"}}");
    post("/VolumeDriver.Mount", "{\"Name\":\"demo\",\"ID\":\"c1\"}");

    Reply reply = post("/VolumeDriver.Get", "{\"Name\":\"" + inlineSpec + "\"}");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode volume = reply.json().get("Volume");
    assertThat(volume.get("Name").asText()).isEqualTo(inlineSpec);
    assertThat(volume.get("Mountpoint").asText()).isEqualTo("/var/lib/pxlite/mounts/demo");
    assertThat(volume.get("Status").get("users").asInt()).isEqualTo(1);
    assertThat(volume.get("Status").get("options").get("size").asText()).isEqualTo("10G");
    assertThat(java.time.Instant.parse(volume.get("CreatedAt").asText())).isBetween(before, java.time.Instant.now());
    assertThat(reply.json().get("Err").asText()).isEmpty();
  }

  @Test
  void getOfAnUnknownVolumeIsNoSuchVolume() {
    assertThat(post("/VolumeDriver.Get", "{\"Name\":\"nope\"}").error()).isEqualTo("500 no such volume: nope");
    assertThat(post("/VolumeDriver.Get", "{\"Name\":true}").error())
        .isEqualTo("400 field 'Name' must be a string, not a boolean");
  }

  @Test
  void listShowsEveryVolumeWithItsMountpoint() {
    create("a");
    create("b");
    post("/VolumeDriver.Mount", "{\"Name\":\"b\",\"ID\":\"c1\"}");

    Reply reply = post("/VolumeDriver.List", "");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"Volumes\":[{\"Name\":\"a\",\"Mountpoint\":\"\"},"
        + "{\"Name\":\"b\",\"Mountpoint\":\"/var/lib/pxlite/mounts/b\"}],\"Err\":\"\"}");
    assertThat(post("/VolumeDriver.List", "{}").status()).as("a body is ignored").isEqualTo(200);
  }

  @Test
  void listRefusedByTheDriverPassesItsMessageThrough() {
    driver.failNextCall(new DriverException("kvdb unreachable at etcd:2379"));

    assertThat(post("/VolumeDriver.List", "").error()).isEqualTo("500 kvdb unreachable at etcd:2379");
  }

  @Test
  void capabilitiesAreGlobalScope() {
    Reply reply = post("/VolumeDriver.Capabilities", "");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(reply.body()).isEqualTo("{\"Capabilities\":{\"Scope\":\"global\"}}");
    assertThat(send("PUT", "/VolumeDriver.Capabilities", "").error())
        .isEqualTo("405 method PUT is not allowed on /VolumeDriver.Capabilities (allowed: POST)");
  }

  @Test
  void anUnexpectedDriverFailureIsAnInternalErrorAndTheServerGoesOn() {
    driver.failNextCall(new IllegalStateException("disk on fire"));

    assertThat(post("/VolumeDriver.List", "").error()).isEqualTo("500 internal error in pxlite: disk on fire");
    assertThat(post("/VolumeDriver.List", "").status()).isEqualTo(200);
  }

  @Test
  void aRefusalWithoutAMessageStillCarriesAnErr() {
    driver.failNextCall(new DriverException(""));

    Reply reply = post("/VolumeDriver.List", "");

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.json().get("Err").asText()).isNotBlank();
  }

  @Test
  void driverCallsRunOnWorkerThreads() {
    post("/VolumeDriver.List", "");
    create("db");

    assertThat(driver.callingThreads()).hasSize(2).allSatisfy(t -> assertThat(t).startsWith("pxlite-docker-worker"));
  }

  // What a misbehaving, impatient or concurrent caller can do.

  @Test
  void socketIsRootOnlyInADirectoryCreatedForIt() throws IOException {
    assertThat(socket.getParent()).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    assertThat(server.unixSocket()).isEqualTo(socket);
  }

  @Test
  void unknownEndpointIs404() {
    Reply reply = post("/VolumeDriver.Frobnicate", "{\"Name\":\"db\"}");

    assertThat(reply.error()).isEqualTo("404 unknown endpoint /VolumeDriver.Frobnicate");
    assertThat(reply.contentType()).isEqualTo(CONTENT_TYPE);
  }

  @Test
  void wrongMethodIs405WithAllow() throws IOException {
    try (RawHttpConnection connection = RawHttpConnection.unix(socket)) {
      RawResponse response = connection.exchange("GET", "/VolumeDriver.List", null);

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.headers()).containsEntry("allow", "POST");
      assertThat(JSON.readTree(response.body()).get("Err").asText()).contains("method GET is not allowed");
    }
  }

  @Test
  void bodyOverTheCapIs413AndTheConnectionGoesOn() throws IOException {
    String huge = "{\"Name\":\"" + "x".repeat(DockerPluginServer.MAX_BODY_BYTES) + "\"}";
    try (RawHttpConnection connection = RawHttpConnection.unix(socket)) {
      RawResponse tooLarge = connection.exchange("POST", "/VolumeDriver.Create", huge);

      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(tooLarge.body()).isEqualTo("{\"Err\":\"request body is larger than the limit of 1048576 bytes\"}");
      assertThat(connection.exchange("POST", "/Plugin.Activate", "").status()).isEqualTo(200);
    }
    assertThat(driver.calls()).isEmpty();
  }

  @Test
  void bytesThatAreNotHttpAre400AndCloseOnlyThatConnection() throws IOException {
    for (byte[] garbage : List.of(
        "\u0000\u0001\u0002\u0003 hello\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
        "this is not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
        "POST /Plugin.Activate HTTP/1.1\r\nno colon in this header\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
        "POST /VolumeDriver.Create HTTP/1.1\r\nContent-Length: many\r\n\r\n{}".getBytes(StandardCharsets.ISO_8859_1),
        tlsClientHelloLike())) {
      try (RawHttpConnection bystander = RawHttpConnection.unix(socket);
          RawHttpConnection attacker = RawHttpConnection.unix(socket)) {
        attacker.write(garbage);

        RawResponse response = attacker.readResponse();

        assertThat(response.status()).as("answer to %s", printable(garbage)).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("Err").asText()).startsWith("malformed HTTP request: ");
        assertThat(attacker.serverClosed()).as("connection closed after %s", printable(garbage)).isTrue();
        assertThat(bystander.exchange("POST", "/Plugin.Activate", "").status()).isEqualTo(200);
      }
    }
    assertThat(post("/VolumeDriver.Capabilities", "").status()).isEqualTo(200);
  }

  @Test
  void aSlowMountDoesNotHoldUpOtherConnections() throws Exception {
    create("db");
    Gate gate = Gate.closed();
    driver.holdNextMount(gate);
    try (RawHttpConnection mounting = RawHttpConnection.unix(socket)) {
      mounting.writeRequest("POST", "/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");
      assertThat(gate.entered().await(10, TimeUnit.SECONDS)).as("mount reached the driver").isTrue();

      // Each read below has a 10 s deadline: were they queued behind the mount, they would fail.
      Reply capabilities = post("/VolumeDriver.Capabilities", "");
      Reply list = post("/VolumeDriver.List", "");
      assertThat(mounting.readableWithin(Duration.ZERO)).as("mount still held").isFalse();
      gate.release().countDown();

      assertThat(capabilities.status()).isEqualTo(200);
      assertThat(list.status()).isEqualTo(200);
      assertThat(mounting.readResponse().body())
          .isEqualTo("{\"Mountpoint\":\"/var/lib/pxlite/mounts/db\",\"Err\":\"\"}");
    }
  }

  @Test
  void activateIsAnsweredAgainOnANewConnectionAndAfterARestart() throws IOException {
    try (RawHttpConnection first = RawHttpConnection.unix(socket)) {
      assertThat(first.exchange("POST", "/Plugin.Activate", "").status()).isEqualTo(200);
    }
    try (RawHttpConnection again = RawHttpConnection.unix(socket)) {
      assertThat(again.exchange("POST", "/Plugin.Activate", "").body())
          .isEqualTo("{\"Implements\":[\"VolumeDriver\"]}");
    }

    server.close();
    assertThat(socket).doesNotExist();
    server = DockerPluginServer.start(driver, socket);

    assertThat(post("/Plugin.Activate", "").status()).isEqualTo(200);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    create("db");
    try (RawHttpConnection connection = RawHttpConnection.unix(socket)) {
      connection.writeRequest("POST", "/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");
      connection.writeRequest("POST", "/VolumeDriver.Get", "{\"Name\":\"nope\"}");
      connection.writeRequest("POST", "/VolumeDriver.Path", "{\"Name\":\"db\"}");

      assertThat(connection.readResponse().body()).contains("\"Mountpoint\":\"/var/lib/pxlite/mounts/db\"");
      assertThat(connection.readResponse().body()).isEqualTo("{\"Err\":\"no such volume: nope\"}");
      assertThat(connection.readResponse().body()).contains("\"Mountpoint\":\"/var/lib/pxlite/mounts/db\"");
    }
  }

  @Test
  void aFullWorkerPoolAnswers503() throws Exception {
    server.close();
    Path small = dir.resolve("small.sock");
    server = DockerPluginServer.start(driver, small, new HttpServerSettings("pxlite-docker-small", 1, 1, 1, 1024));
    create(small, "db");
    Gate gate = Gate.closed();
    driver.holdNextMount(gate);
    try (RawHttpConnection holder = RawHttpConnection.unix(small);
        RawHttpConnection second = RawHttpConnection.unix(small);
        RawHttpConnection third = RawHttpConnection.unix(small)) {
      holder.writeRequest("POST", "/VolumeDriver.Mount", "{\"Name\":\"db\",\"ID\":\"c1\"}");
      assertThat(gate.entered().await(10, TimeUnit.SECONDS)).as("mount holds the only worker").isTrue();
      second.writeRequest("POST", "/VolumeDriver.List", "");
      third.writeRequest("POST", "/VolumeDriver.List", "");

      // One List waits in the one queue slot; the other is refused at once. Only the refused one
      // can be answered while the worker is held, so the first connection to become readable is it.
      RawHttpConnection refused = firstReadable(second, third);
      RawHttpConnection queued = refused == second ? third : second;
      RawResponse busy = refused.readResponse();
      gate.release().countDown();

      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.body()).isEqualTo("{\"Err\":\"pxlite volume plugin is busy; retry\"}");
      assertThat(holder.readResponse().status()).isEqualTo(200);
      assertThat(queued.readResponse().status()).isEqualTo(200);
    }
  }

  /** A response as Docker would read it. */
  private record Reply(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("response body is not JSON: " + body, e);
      }
    }

    /** "status Err", so one assertion shows both. */
    String error() {
      return status + " " + json().get("Err").asText();
    }
  }

  private Reply post(String endpoint, String body) {
    return send("POST", endpoint, body);
  }

  private Reply send(String method, String endpoint, String body) {
    return send(socket, method, endpoint, body);
  }

  /** One request on a fresh connection, as Docker's plugin client may do. */
  private static Reply send(Path socket, String method, String endpoint, String body) {
    try (RawHttpConnection connection = RawHttpConnection.unix(socket)) {
      RawResponse response = connection.exchange(method, endpoint, body);
      return new Reply(response.status(), response.headers().get("content-type"), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + endpoint + " failed", e);
    }
  }

  private void create(String name) {
    create(socket, name);
  }

  private static void create(Path socket, String name) {
    Reply reply = send(socket, "POST", "/VolumeDriver.Create", "{\"Name\":\"" + name + "\"}");
    assertThat(reply.status()).as("creating %s: %s", name, reply.body()).isEqualTo(200);
  }

  private static RawHttpConnection firstReadable(RawHttpConnection a, RawHttpConnection b) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (a.readableWithin(Duration.ofMillis(10))) {
        return a;
      }
      if (b.readableWithin(Duration.ofMillis(10))) {
        return b;
      }
    }
    return fail("neither connection was answered within 10 s");
  }

  /** The start of a TLS ClientHello: what a client configured for https would send. */
  private static byte[] tlsClientHelloLike() {
    return new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03, '\r', '\n',
        '\r', '\n'};
  }

  private static String printable(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
    }
    return text.toString();
  }
}
