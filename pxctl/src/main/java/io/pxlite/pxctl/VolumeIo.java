package io.pxlite.pxctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One volume's I/O between two readings of a node's {@code /v1/metrics}: rates from the counters'
 * growth over the node's own clock, latency quantiles and queue depth from the second reading.
 */
@com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
record VolumeIo(String volumeId, String volumeName, double seconds, double readIops, double writeIops,
    double readMBps, double writeMBps, double readP50Ms, double readP99Ms, double writeP50Ms, double writeP99Ms,
    long depth, long usedBytes) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Every volume with series in {@code after}, by id, with its rates since {@code before}.
   *
   * @param pxctlSeconds the time between the two readings on pxctl's own clock: used only when a
   *     reading lacks a valid {@code time} (the node's clock is the better one, as it excludes the
   *     network and the server's queueing)
   */
  static Map<String, VolumeIo> between(JsonNode before, JsonNode after, double pxctlSeconds) {
    double seconds = nodeSeconds(before, after).orElse(pxctlSeconds);
    Map<String, String> names = new LinkedHashMap<>();
    for (JsonNode sample : family(after, "px_volume_writes_total").path("samples")) {
      names.put(sample.path("labels").path("volumeid").asText(), sample.path("labels").path("volumename").asText());
    }
    Map<String, VolumeIo> out = new LinkedHashMap<>();
    names.forEach((id, name) -> out.put(id, new VolumeIo(id, name, seconds,
        rate(before, after, "px_volume_reads_total", id, seconds),
        rate(before, after, "px_volume_writes_total", id, seconds),
        rate(before, after, "px_volume_read_bytes_total", id, seconds) / 1e6,
        rate(before, after, "px_volume_written_bytes_total", id, seconds) / 1e6,
        quantileMs(after, "px_volume_read_latency_seconds", id, "0.5"),
        quantileMs(after, "px_volume_read_latency_seconds", id, "0.99"),
        quantileMs(after, "px_volume_write_latency_seconds", id, "0.5"),
        quantileMs(after, "px_volume_write_latency_seconds", id, "0.99"),
        Math.round(sum(after, "px_volume_depth_io", id)),
        Math.round(sum(after, "px_volume_usage_bytes", id)))));
    return out;
  }

  /** This volume's figures among {@code all}, matched by id or name. */
  static Optional<VolumeIo> find(Map<String, VolumeIo> all, String id, String name) {
    return Optional.ofNullable(all.get(id)).or(() -> all.values().stream().filter(v -> v.volumeName().equals(name)).findFirst());
  }

  ObjectNode toJson() {
    return JSON.valueToTree(this);
  }

  /** The node's own time between two readings, or empty when either has no parseable {@code time}. */
  private static Optional<Double> nodeSeconds(JsonNode before, JsonNode after) {
    try {
      return Optional.of(Duration.between(Instant.parse(before.path("time").asText()),
          Instant.parse(after.path("time").asText())).toNanos() / 1e9);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Growth per second of a counter; a counter that went down (the node restarted) counts from zero. */
  private static double rate(JsonNode before, JsonNode after, String family, String id, double seconds) {
    if (seconds <= 0) {
      return 0;
    }
    double now = sum(after, family, id);
    double then = sum(before, family, id);
    return (now >= then ? now - then : now) / seconds;
  }

  private static double sum(JsonNode metrics, String family, String id) {
    double total = 0;
    for (JsonNode sample : family(metrics, family).path("samples")) {
      if (sample.path("labels").path("volumeid").asText().equals(id)) {
        total += sample.path("value").asDouble();
      }
    }
    return total;
  }

  /** The highest of the volume's series' quantile, in ms; 0 when it has none (no requests yet). */
  private static double quantileMs(JsonNode metrics, String family, String id, String quantile) {
    double worst = 0;
    for (JsonNode sample : family(metrics, family).path("samples")) {
      JsonNode value = sample.path("quantiles").path(quantile);
      if (sample.path("labels").path("volumeid").asText().equals(id) && value.isNumber()) {
        worst = Math.max(worst, value.asDouble() * 1000);
      }
    }
    return worst;
  }

  private static JsonNode family(JsonNode metrics, String name) {
    for (JsonNode family : metrics.path("metrics")) {
      if (family.path("name").asText().equals(name)) {
        return family;
      }
    }
    return JSON.createObjectNode();
  }
}
