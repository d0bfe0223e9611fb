package io.pxlite.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.pxlite.api.SnapshotCreateRequest;
import io.pxlite.api.VolumeCreateRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What JsonCodec accepts and the exact 400 messages for what it does not; how error bodies look. */
class JsonCodecTest {
  private final JsonCodec json = new JsonCodec();

  @Test
  void readsSnakeCaseIntoTheRecord() {
    VolumeCreateRequest request = read(
        "{\"name\":\"db\",\"size\":10,\"block_size\":\"4K\",\"io_priority\":\"high\",\"labels\":{\"a\":\"b\"}}",
        VolumeCreateRequest.class);

    assertThat(request).isEqualTo(new VolumeCreateRequest("db", "10", null, null, "4K", "high", null, Map.of("a", "b")));
  }

  @Test
  void integerOutOfRangeNamesTheField() {
    assertThatThrownBy(() -> read("{\"snap_interval\":99999999999}", VolumeCreateRequest.class))
        .isInstanceOf(HttpException.class)
        .hasMessageStartingWith("field \"snap_interval\": Numeric value (99999999999) out of range of int")
        .satisfies(e -> assertThat(((HttpException) e).status()).isEqualTo(400));
  }

  @Test
  void trailingGarbageIsRejected() {
    assertThatThrownBy(() -> read("{\"volume\":\"a\"} {}", SnapshotCreateRequest.class))
        .isInstanceOf(HttpException.class)
        .hasMessageStartingWith("malformed JSON at line 1, column ")
        .hasMessageContaining("Trailing token");
  }

  @Test
  void scalarBodyIsNotAnObject() {
    assertThatThrownBy(() -> read("42", SnapshotCreateRequest.class))
        .hasMessage("request body must be a JSON object, not a number");
  }

  @Test
  void readObjectKeepsUnknownFieldsForTheCallerToCheck() {
    JsonNode tree = json.readObject("{\"Name\":\"db\",\"Extra\":[1]}".getBytes(StandardCharsets.UTF_8));

    assertThat(tree.get("Name").asText()).isEqualTo("db");
    assertThat(tree.get("Extra").isArray()).isTrue();
    assertThatThrownBy(() -> json.readObject(new byte[0])).hasMessage("request body is required: a JSON object");
  }

  @Test
  void errorBodyIsOneFieldNamedByTheFormat() {
    ResponseFormat management = new ResponseFormat("application/json", "error", "internal error: ", "busy", "none: ");
    ResponseFormat docker = new ResponseFormat("application/json", "Err", "internal error: ", "busy", "none: ");

    assertThat(new String(management.errorBody("no volume x"), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"no volume x\"}");
    assertThat(new String(docker.error(HttpResponseStatus.CONFLICT, "in use").body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"Err\":\"in use\"}");
    assertThat(new String(docker.internalError(new IllegalStateException()).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"Err\":\"internal error: IllegalStateException\"}");
  }

  private <T> T read(String body, Class<T> type) {
    return json.read(body.getBytes(StandardCharsets.UTF_8), type);
  }
}
