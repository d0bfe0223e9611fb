package io.pxlite.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's package) on loopback scraping nodes every second with pxlite's alert
 * rules loaded, asked through its HTTP API as Grafana would.
 */
public final class PrometheusProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int port = FreePorts.next();
  private final Process process;

  private PrometheusProcess(Path dir, List<NodeProcess> nodes, Path rules) throws IOException {
    Files.createDirectories(dir);
    String targets = nodes.stream().map(n -> "'" + n.address() + ":" + n.mgmtPort() + "'")
        .collect(Collectors.joining(", "));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files: ['" + rules + "']",
        "scrape_configs:",
        "  - job_name: pxlite",
        "    static_configs:",
        "      - targets: [" + targets + "]",
        ""));
    process = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Poll.until(Duration.ofSeconds(60), "Prometheus on port " + port + " to be ready", this::ready);
  }

  /** Starts Prometheus scraping {@code nodes}' management addresses, with the rules file {@code rules}. */
  public static PrometheusProcess start(Path dir, List<NodeProcess> nodes, Path rules) {
    try {
      return new PrometheusProcess(dir, nodes, rules);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start prometheus (is Debian's prometheus installed?)", e);
    }
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The result vector of an instant PromQL query. */
  public JsonNode query(String promql) {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
  }

  /** {@code /api/v1/<path>}'s data, failing the test unless Prometheus says success. */
  public JsonNode api(String path) {
    try {
      HttpResponse<String> response = get(path);
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !body.path("status").asText().equals("success")) {
        throw new AssertionError("Prometheus " + path + " -> " + response.statusCode() + ": " + response.body());
      }
      return body.get("data");
    } catch (IOException e) {
      throw new AssertionError("cannot ask Prometheus " + path + ": " + e, e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
