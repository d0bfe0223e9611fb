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

/** The host attach/detach/mount/unmount routes, over TCP, against the in-memory service. */
class HostAttachmentRoutesTest {
  @TempDir Path dir;
  private final InMemoryManagementService service = new InMemoryManagementService();
  private ManagementApiServer server;
  private TcpApiClient api;

  @BeforeEach
  void start() {
    server = ManagementApiServer.start(
        service, new FixedOperations(), dir.resolve("api.sock"), Optional.of(new InetSocketAddress("127.0.0.1", 0)));
    api = new TcpApiClient(server.tcpAddress().orElseThrow());
    assertThat(api.post("/v1/volumes", "{\"name\":\"db\"}").statusCode()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void attachGivesADeviceShownOnTheVolumeAndDetachTakesItAway() {
    HttpResponse<String> attached = api.post("/v1/volumes/db/attach", "");

    assertThat(attached.statusCode()).isEqualTo(200);
    assertThat(attached.body()).isEqualTo(
        "{\"volume\":\"db\",\"node\":\"node-1\",\"device_path\":\"/dev/loop7\",\"mountpoints\":[],\"users\":0}");
    JsonNode volume = json(api.get("/v1/volumes/db"));
    assertThat(volume.get("attached_on").asText()).isEqualTo("node-1");
    assertThat(volume.get("device_path").asText()).isEqualTo("/dev/loop7");
    assertThat(volume.get("state").asText()).isEqualTo("attached");

    HttpResponse<String> detached = api.post("/v1/volumes/db/detach", "");

    assertThat(detached.statusCode()).isEqualTo(200);
    assertThat(json(detached).get("device_path").isNull()).isTrue();
    JsonNode after = json(api.get("/v1/volumes/db"));
    assertThat(after.get("attached_on").isNull()).isTrue();
    assertThat(after.get("device_path").isNull()).isTrue();
    assertThat(after.get("state").asText()).isEqualTo("detached");
  }

  @Test
  void mountAttachesRecordsThePathAndDetachIsRefusedUntilUnmounted() {
    HttpResponse<String> mounted = api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt/db\"}");

    assertThat(mounted.statusCode()).isEqualTo(200);
    assertThat(json(mounted).get("device_path").asText()).isEqualTo("/dev/loop7");
    assertThat(json(mounted).get("mountpoints")).extracting(JsonNode::asText).containsExactly("/mnt/db");
    assertThat(json(mounted).get("users").asInt()).isEqualTo(1);
    assertThat(json(api.get("/v1/volumes/db")).get("attach_path"))
        .extracting(JsonNode::asText)
        .containsExactly("/mnt/db");

    HttpResponse<String> refused = api.post("/v1/volumes/db/detach", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json(refused).get("error").asText()).isEqualTo("volume db is mounted at /mnt/db; unmount it first");
    assertThat(api.delete("/v1/volumes/db").statusCode()).isEqualTo(409);

    HttpResponse<String> unmounted = api.post("/v1/volumes/db/unmount", "{\"path\":\"/mnt/db\"}");
    assertThat(unmounted.statusCode()).isEqualTo(200);
    assertThat(json(unmounted).get("mountpoints")).isEmpty();
    assertThat(json(unmounted).get("device_path").asText()).as("unmount leaves it attached").isEqualTo("/dev/loop7");
    assertThat(api.post("/v1/volumes/db/detach", "").statusCode()).isEqualTo(200);
    assertThat(api.delete("/v1/volumes/db").statusCode()).isEqualTo(204);
  }

  @Test
  void unmountWithoutABodyOrWithANullPathUnmountsEveryPath() {
    api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt/a\"}");
    api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt/b\"}");

    HttpResponse<String> noBody = api.post("/v1/volumes/db/unmount", "");

    assertThat(noBody.statusCode()).isEqualTo(200);
    assertThat(json(noBody).get("mountpoints")).isEmpty();

    api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt/a\"}");
    HttpResponse<String> nullPath = api.post("/v1/volumes/db/unmount", "{\"path\":null}");

    assertThat(nullPath.statusCode()).isEqualTo(200);
    assertThat(json(nullPath).get("mountpoints")).isEmpty();
  }

  @Test
  void mountRequiresAnAbsolutePath() {
    assertThat(error(api.post("/v1/volumes/db/mount", "{}"))).isEqualTo("400 field 'path' is required");
    assertThat(error(api.post("/v1/volumes/db/mount", "{\"path\":null}"))).isEqualTo("400 field 'path' is required");
    assertThat(error(api.post("/v1/volumes/db/mount", "")))
        .isEqualTo("400 request body is required: a JSON object");
    assertThat(error(api.post("/v1/volumes/db/mount", "{\"path\":\"mnt/db\"}")))
        .isEqualTo("400 field 'path' must be an absolute path, got \"mnt/db\"");
    assertThat(error(api.post("/v1/volumes/db/mount", "{\"path\":[\"/mnt\"]}")))
        .isEqualTo("400 field \"path\": expected a string, got an array");
    assertThat(error(api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt\",\"mode\":\"rw\"}")))
        .isEqualTo("400 unknown field \"mode\" (known fields: path)");
    assertThat(error(api.post("/v1/volumes/db/unmount", "{\"path\":\"relative\"}")))
        .isEqualTo("400 field 'path' must be an absolute path, got \"relative\"");
    assertThat(error(api.post("/v1/volumes/db/unmount", "{\"path\":")))
        .startsWith("400 malformed JSON at line 1, column ");
    assertThat(json(api.get("/v1/volumes/db")).get("attached_on").isNull()).as("nothing was mounted").isTrue();
  }

  @Test
  void unmountingAPathThatIsNotMountedIsAConflict() {
    api.post("/v1/volumes/db/mount", "{\"path\":\"/mnt/db\"}");

    assertThat(error(api.post("/v1/volumes/db/unmount", "{\"path\":\"/mnt/other\"}")))
        .isEqualTo("409 volume db is not mounted at /mnt/other");
  }

  @Test
  void everyHostRouteAnswers404ForAnUnknownVolumeAnd405ForOtherMethods() {
    assertThat(error(api.post("/v1/volumes/nope/attach", ""))).isEqualTo("404 no volume nope");
    assertThat(error(api.post("/v1/volumes/nope/detach", ""))).isEqualTo("404 no volume nope");
    assertThat(error(api.post("/v1/volumes/nope/mount", "{\"path\":\"/mnt\"}"))).isEqualTo("404 no volume nope");
    assertThat(error(api.post("/v1/volumes/nope/unmount", ""))).isEqualTo("404 no volume nope");

    HttpResponse<String> get = api.get("/v1/volumes/db/attach");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void aVolumeIsFoundByIdToo() {
    String id = json(api.get("/v1/volumes/db")).get("id").asText();

    HttpResponse<String> attached = api.post("/v1/volumes/" + id + "/attach", "");

    assertThat(attached.statusCode()).isEqualTo(200);
    assertThat(json(attached).get("volume").asText()).isEqualTo("db");
  }

  /** "status message" of an error response, so one assertion shows both. */
  private static String error(HttpResponse<String> response) {
    return response.statusCode() + " " + json(response).get("error").asText();
  }
}
