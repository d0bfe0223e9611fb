package io.pxlite.api;

import static io.pxlite.api.TcpApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pxlite.api.InMemoryManagementService.Gate;
import io.pxlite.http.RawHttpConnection;
import io.pxlite.http.RawHttpConnection.RawResponse;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a request can fail, and that the server answers each with a JSON error and keeps serving. */
class ManagementApiErrorsTest {
  @TempDir Path dir;
  private final InMemoryManagementService service = new InMemoryManagementService();
  private ManagementApiServer server;
  private TcpApiClient api;

  @BeforeEach
  void start() {
    server = ManagementApiServer.start(
        service, new FixedOperations(), dir.resolve("api.sock"), Optional.of(new InetSocketAddress("127.0.0.1", 0)));
    api = new TcpApiClient(server.tcpAddress().orElseThrow());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void malformedJsonIs400WithWhereItBroke() {
    HttpResponse<String> response = api.post("/v1/volumes", "{\"name\":\"db\",}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText())
        .startsWith("malformed JSON at line 1, column ")
        .contains("was expecting double-quote to start field name");
  }

  @Test
  void unknownFieldIs400NamingItAndTheKnownFields() {
    HttpResponse<String> response = api.post("/v1/volumes", "{\"name\":\"db\",\"colour\":\"red\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).isEqualTo("unknown field \"colour\" (known fields: "
        + "block_size, daily, fs, io_priority, labels, max_bandwidth, max_iops, monthly, name, nodes, periodic, repl,"
        + " size, snap_interval, weekly)");
  }

  @Test
  void wrongTypesAre400NamingTheField() {
    assertThat(json(api.post("/v1/volumes", "{\"name\":\"db\",\"repl\":\"three\"}")).get("error").asText())
        .isEqualTo("field \"repl\": expected an integer, got \"three\"");
    assertThat(json(api.post("/v1/volumes", "{\"name\":\"db\",\"repl\":\"3\"}")).get("error").asText())
        .isEqualTo("field \"repl\": expected an integer, got \"3\"");
    assertThat(json(api.post("/v1/volumes", "{\"name\":{\"first\":\"db\"}}")).get("error").asText())
        .isEqualTo("field \"name\": expected a string, got an object");
    assertThat(json(api.post("/v1/volumes", "{\"name\":\"db\",\"repl\":1.5}")).get("error").asText())
        .startsWith("field \"repl\": expected an integer");
    assertThat(json(api.post("/v1/volumes", "{\"name\":\"db\",\"labels\":{\"app\":[1]}}")).get("error").asText())
        .isEqualTo("field \"labels.app\": expected a string, got an array");
    assertThat(api.post("/v1/volumes", "{\"name\":\"db\",\"repl\":true}").statusCode()).isEqualTo(400);
    assertThat(service.volumes()).isEmpty();
  }

  @Test
  void bodyThatIsNotAnObjectIs400() {
    HttpResponse<String> empty = api.post("/v1/volumes", "");
    HttpResponse<String> array = api.post("/v1/volumes", "[]");
    HttpResponse<String> nothing = api.post("/v1/snapshots", "null");

    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(json(empty).get("error").asText()).isEqualTo("request body is required: a JSON object");
    assertThat(json(array).get("error").asText()).isEqualTo("request body must be a JSON object, not an array");
    assertThat(json(nothing).get("error").asText()).isEqualTo("request body must be a JSON object, not null");
  }

  @Test
  void unknownRouteIs404() {
    HttpResponse<String> response = api.get("/v1/volumez");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").asText()).isEqualTo("no such API path: /v1/volumez");
  }

  @Test
  void wrongMethodIs405WithAllow() {
    HttpResponse<String> put = api.send("PUT", "/v1/volumes", BodyPublishers.ofString("{}"));
    HttpResponse<String> deleteStatus = api.delete("/v1/status");

    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("allow")).hasValue("GET, POST");
    assertThat(json(put).get("error").asText())
        .isEqualTo("method PUT is not allowed on /v1/volumes (allowed: GET, POST)");
    assertThat(deleteStatus.statusCode()).isEqualTo(405);
    assertThat(deleteStatus.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void bodyOverTheCapIs413AndTheServerKeepsServing() {
    String huge = "{\"name\":\"" + "x".repeat(ManagementApiServer.MAX_BODY_BYTES) + "\"}";

    HttpResponse<String> response = api.post("/v1/volumes", huge);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response).get("error").asText())
        .isEqualTo("request body is larger than the limit of 1048576 bytes");
    assertThat(api.get("/v1/volumes").statusCode()).isEqualTo(200);
  }

  @Test
  void apiExceptionsKeepTheirStatusAndMessage() {
    api.post("/v1/volumes", "{\"name\":\"db\"}");
    HttpResponse<String> conflict = api.post("/v1/volumes", "{\"name\":\"db\"}");
    service.failNextCall(ApiException.unavailable("kvdb unreachable", new RuntimeException("timeout")));
    HttpResponse<String> unavailable = api.get("/v1/status");
    HttpResponse<String> missing = api.get("/v1/cluster/nodes/node-9");

    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict).get("error").asText()).isEqualTo("volume db already exists");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(json(unavailable).get("error").asText()).isEqualTo("kvdb unreachable");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("no node node-9");
  }

  @Test
  void unexpectedFailureIs500AndTheNextRequestWorks() {
    service.failNextCall(new IllegalStateException("disk on fire"));

    HttpResponse<String> failed = api.get("/v1/volumes");
    HttpResponse<String> next = api.get("/v1/volumes");

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(json(failed).get("error").asText()).isEqualTo("internal error: disk on fire");
    assertThat(next.statusCode()).isEqualTo(200);
  }

  @Test
  void invalidPercentEncodingIs400() throws Exception {
    try (RawHttpConnection connection = RawHttpConnection.tcp(server.tcpAddress().orElseThrow())) {
      connection.write("GET /v1/volumes/%zz HTTP/1.1\r\nHost: x\r\n\r\n");

      RawResponse response = connection.readResponse();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("malformed path segment \\\"%zz\\\"");
    }
  }

  @Test
  void pipelinedRequestsOnOneKeptAliveConnectionAreAnsweredInOrder() throws Exception {
    api.post("/v1/volumes", "{\"name\":\"db\"}");
    try (RawHttpConnection connection = RawHttpConnection.tcp(server.tcpAddress().orElseThrow())) {
      // The first call is held in the service, so the second finishes first unless order is enforced.
      Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
      service.holdNextCall(gate);
      connection.write("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /v1/volumes/nope HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /v1/volumes/db HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(gate.entered().await(10, TimeUnit.SECONDS)).isTrue();
      gate.release().countDown();

      RawResponse first = connection.readResponse();
      RawResponse second = connection.readResponse();
      RawResponse third = connection.readResponse();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).contains("\"cluster_id\":\"cluster-a\"");
      assertThat(second.status()).isEqualTo(404);
      assertThat(third.status()).isEqualTo(200);
      assertThat(third.body()).contains("\"name\":\"db\"");
      connection.write("GET /v1/volumes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(connection.readResponse().status()).isEqualTo(200);
      assertThat(connection.serverClosed()).isTrue();
    }
  }

  @Test
  void aBlockedServiceCallDoesNotStopOtherConnections() throws Exception {
    Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
    service.holdNextCall(gate);
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> api.get("/v1/status"));
    assertThat(gate.entered().await(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> meanwhile = api.get("/v1/cluster/nodes");
    gate.release().countDown();

    assertThat(meanwhile.statusCode()).isEqualTo(200);
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }
}
