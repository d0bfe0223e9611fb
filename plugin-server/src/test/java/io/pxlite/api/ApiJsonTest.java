package io.pxlite.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What ApiJson accepts and the exact 400 messages for what it does not. */
class ApiJsonTest {
  private final ApiJson json = new ApiJson();

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
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("field \"snap_interval\": Numeric value (99999999999) out of range of int")
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
  }

  @Test
  void trailingGarbageIsRejected() {
    assertThatThrownBy(() -> read("{\"volume\":\"a\"} {}", SnapshotCreateRequest.class))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("malformed JSON at line 1, column ")
        .hasMessageContaining("Trailing token");
  }

  @Test
  void scalarBodyIsNotAnObject() {
    assertThatThrownBy(() -> read("42", SnapshotCreateRequest.class))
        .hasMessage("request body must be a JSON object, not a number");
  }

  @Test
  void errorBodyIsOneField() {
    assertThat(new String(json.error("no volume x"), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"no volume x\"}");
  }

  private <T> T read(String body, Class<T> type) {
    return json.read(body.getBytes(StandardCharsets.UTF_8), type);
  }
}
