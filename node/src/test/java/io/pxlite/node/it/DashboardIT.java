package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page of a real node, loaded in headless Chromium (Debian's) while fio writes and reads
 * a volume: it renders the node, the volume and live charts with data, and a screenshot is kept in
 * {@code node/target/dashboard.png}.
 */
class DashboardIT {
  private static final Duration T = Duration.ofMinutes(2);
  @TempDir static Path dir;
  private static SingleNodeCluster cluster;
  private static Process fio;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("dashboard");
    cluster.node.createVolume("dash", "256M");
    fio = new ProcessBuilder("fio", "--name=load", "--ioengine=nbd", "--uri=" + cluster.node.nbdUri("dash"),
        "--rw=randrw", "--bs=4k", "--iodepth=8", "--size=64M", "--time_based", "--runtime=120", "--rate_iops=400,400")
        .redirectErrorStream(true).redirectOutput(dir.resolve("fio.log").toFile()).start();
    Poll.until(T, "fio's writes counted", () -> ScrapedMetrics.of(cluster.node)
        .find("px_volume_writes_total", java.util.Map.of("volumename", "dash")).stream().anyMatch(s -> s.value() > 0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fio != null) {
      fio.destroy();
      fio.waitFor();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theChartsShowTheLiveWorkload() throws Exception {
    String dom = chromium("--dump-dom").output();

    assertThat(dom).as("the page's DOM").contains("data-charts-ready=\"true\"").contains("data-reachable=\"true\"")
        .contains("dash").contains(cluster.node.nodeId());
    for (String chart : List.of("chart-iops", "chart-throughput", "chart-latency", "chart-depth", "chart-commit")) {
      assertThat(dom).contains("id=\"" + chart + "\"");
    }

    Path screenshot = Path.of(System.getProperty("user.dir"), "target", "dashboard.png");
    Files.deleteIfExists(screenshot);
    chromium("--screenshot=" + screenshot, "--window-size=1400,1700");
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(20_000);
  }

  /**
   * Headless Chromium on the dashboard, its timers run ahead in virtual time (the page polls every
   * second) for 30 s while the node answers in real time.
   */
  private static Cmd.Result chromium(String... output) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
        "--virtual-time-budget=30000"));
    cmd.addAll(List.of(output));
    cmd.add("http://" + cluster.node.address() + ":" + cluster.node.mgmtPort() + "/dashboard");
    return Cmd.run(T, null, cmd).ok();
  }
}
