package io.pxlite.api;

import static io.pxlite.api.TcpApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the management API, over TCP, against the in-memory service. */
class ManagementApiRoutesTest {
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
  void statusIsTheServiceStatusInSnakeCase() {
    HttpResponse<String> response = api.get("/v1/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode status = json(response);
    assertThat(status.get("cluster_id").asText()).isEqualTo("cluster-a");
    assertThat(status.get("nodes_online").asInt()).isEqualTo(1);
    assertThat(status.get("kvdb_endpoints").get(0).asText()).isEqualTo("etcd:http://127.0.0.1:2379");
    assertThat(status.get("node").get("devices").get(0).get("capacity_bytes").asLong()).isEqualTo(100L << 30);
  }

  @Test
  void nodesAreListedAndFoundByRef() {
    JsonNode nodes = json(api.get("/v1/cluster/nodes"));
    assertThat(nodes).hasSize(2);
    assertThat(nodes.get(1).get("mgmt_ip").asText()).isEqualTo("10.0.0.2");

    HttpResponse<String> one = api.get("/v1/cluster/nodes/10.0.0.2");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).get("id").asText()).isEqualTo("node-2");
  }

  @Test
  void volumeIsCreatedListedFetchedAndDeleted() {
    HttpResponse<String> created = api.post("/v1/volumes",
        "{\"name\":\"db\",\"size\":\"2\",\"repl\":2,\"labels\":{\"app\":\"pg\"},\"snap_interval\":30}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode volume = json(created);
    String id = volume.get("id").asText();
    assertThat(volume.get("size_bytes").asLong()).isEqualTo(2L << 30);
    assertThat(volume.get("repl").asInt()).isEqualTo(2);
    assertThat(volume.get("labels").get("app").asText()).isEqualTo("pg");
    assertThat(volume.get("snap_interval").asInt()).isEqualTo(30);

    assertThat(json(api.get("/v1/volumes"))).extracting(v -> v.get("name").asText()).containsExactly("db");
    assertThat(json(api.get("/v1/volumes/db")).get("id").asText()).isEqualTo(id);
    assertThat(json(api.get("/v1/volumes/" + id)).get("name").asText()).isEqualTo("db");

    HttpResponse<String> deleted = api.delete("/v1/volumes/db");
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(api.get("/v1/volumes/db").statusCode()).isEqualTo(404);
  }

  @Test
  void pathSegmentsArePercentDecodedAndPlusIsLiteral() {
    api.post("/v1/volumes", "{\"name\":\"a b/c+d\"}");

    HttpResponse<String> response = api.get("/v1/volumes/a%20b%2Fc+d");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("name").asText()).isEqualTo("a b/c+d");
  }

  @Test
  void snapshotsAreCreatedListedPerVolumeAndDeleted() {
    api.post("/v1/volumes", "{\"name\":\"db\"}");
    api.post("/v1/volumes", "{\"name\":\"logs\"}");

    HttpResponse<String> created = api.post("/v1/snapshots", "{\"volume\":\"db\",\"name\":\"db-monday\"}");
    api.post("/v1/snapshots", "{\"volume\":\"logs\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created).get("volume").asText()).isEqualTo("db");
    assertThat(json(created).get("nbd_uri").asText()).startsWith("nbd://");
    assertThat(json(api.get("/v1/snapshots"))).hasSize(2);
    assertThat(json(api.get("/v1/snapshots?volume=db")))
        .extracting(s -> s.get("name").asText())
        .containsExactly("db-monday");

    assertThat(api.delete("/v1/snapshots/db-monday").statusCode()).isEqualTo(204);
    assertThat(json(api.get("/v1/snapshots?volume=db"))).isEmpty();
    assertThat(api.delete("/v1/snapshots/db-monday").statusCode()).isEqualTo(404);
  }

  @Test
  void trailingSlashRoutesLikeThePathWithout() {
    assertThat(api.get("/v1/volumes/").statusCode()).isEqualTo(200);
  }

  @Test
  void serviceCallsRunOnWorkerThreadsNotOnNettyIoThreads() {
    api.get("/v1/status");
    api.get("/v1/volumes");

    assertThat(service.callingThreads()).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("pxlite-api-worker"));
  }
}
