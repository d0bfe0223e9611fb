package io.pxlite.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus files in ops/ as promtool (Debian's prometheus) sees them: the scrape config and the
 * alert rules check, and the rules' unit tests (each alert firing, and not firing, on synthetic series) pass.
 */
class PrometheusRulesIT {
  @Test
  void configAndRulesCheckAndTheRulesUnitTestsPass() throws IOException, InterruptedException {
    Path script = Path.of(System.getProperty("user.dir"), "check-prometheus-config");
    Process check = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();

    assertThat(check.exitValue()).as("check-prometheus-config said:\n%s", output).isZero();
    assertThat(output).contains("is valid prometheus config file syntax").contains("SUCCESS: 9 rules found")
        .containsPattern("Unit Testing: +pxlite-alerts.test.yml\\s+SUCCESS");
  }
}
