package io.pxlite.api;

import static io.pxlite.api.TcpApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.ops.metrics.MetricName;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's routes of the management API: metrics in both forms, alerts, health, the dashboard. */
class OperationsRoutesTest {
  @TempDir Path dir;
  private final FixedOperations operations = new FixedOperations();
  private ManagementApiServer server;
  private TcpApiClient api;

  @BeforeEach
  void start() {
    server = ManagementApiServer.start(new InMemoryManagementService(), operations, dir.resolve("api.sock"),
        Optional.of(new InetSocketAddress("127.0.0.1", 0)));
    api = new TcpApiClient(server.tcpAddress().orElseThrow());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() {
    operations.metrics.registry().counter(MetricName.of("px_volume_writes_total", "volumeid", "01", "volumename", "v1")).inc(9);

    HttpResponse<String> response = api.get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("px_volume_writes_total{node_id=\"node-test\",volumeid=\"01\",volumename=\"v1\"} 9.0");
  }

  @Test
  void theJsonFormHasTheSameValue() {
    operations.metrics.registry().counter(MetricName.of("px_volume_writes_total", "volumeid", "01", "volumename", "v1")).inc(9);

    JsonNode metrics = json(api.get("/v1/metrics"));

    assertThat(metrics.get("node_id").asText()).isEqualTo("node-test");
    JsonNode writes = null;
    for (JsonNode family : metrics.get("metrics")) {
      if (family.get("name").asText().equals("px_volume_writes_total")) {
        writes = family;
      }
    }
    assertThat(writes).isNotNull();
    assertThat(writes.get("type").asText()).isEqualTo("counter");
    assertThat(writes.get("samples").get(0).get("labels").get("volumename").asText()).isEqualTo("v1");
    assertThat(writes.get("samples").get(0).get("value").asDouble()).isEqualTo(9.0);
  }

  @Test
  void healthIs200WhenNothingIsWrongAnd503WithTheReasonsOtherwise() {
    HttpResponse<String> fine = api.get("/health");
    assertThat(fine.statusCode()).isEqualTo(200);
    assertThat(json(fine).get("status").asText()).isEqualTo("ok");

    operations.alerts.add(new AlertView("kvdb_unreachable", "critical", "cluster", "c1",
        "the kvdb at http://127.0.0.1:2379 is unreachable", "2026-12-06T12:00:00Z"));
    HttpResponse<String> degraded = api.get("/health");

    assertThat(degraded.statusCode()).isEqualTo(503);
    assertThat(json(degraded).get("status").asText()).isEqualTo("degraded");
    assertThat(json(degraded).get("reasons").get(0).asText()).isEqualTo("the kvdb at http://127.0.0.1:2379 is unreachable");
  }

  @Test
  void alertsAreListedInSnakeCase() {
    operations.alerts.add(new AlertView("device_failed", "critical", "device", "/dev/sdb", "device /dev/sdb failed",
        "2026-12-06T12:00:00Z"));

    JsonNode alerts = json(api.get("/v1/alerts"));

    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("resource_type").asText()).isEqualTo("device");
    assertThat(alerts.get(0).get("since").asText()).isEqualTo("2026-12-06T12:00:00Z");
  }

  @Test
  void theDashboardAndUplotAreServedFromTheClasspath() {
    HttpResponse<String> page = api.get("/dashboard");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("uplot/uPlot.iife.min.js");

    HttpResponse<String> uplot = api.get("/dashboard/uplot/uPlot.iife.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(uplot.body()).contains("uPlot");
  }

  @Test
  void aDashboardFileThatDoesNotExistIs404() {
    assertThat(api.get("/dashboard/nothing.js").statusCode()).isEqualTo(404);
    assertThat(api.get("/dashboard/uplot/..%2F..%2Fpom.properties").statusCode()).isEqualTo(404);
  }
}
