package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** libnbd's nbdinfo against the server: listing, export details, allocation map. */
@ExtendWith(NettyLeakCheck.class)
class NbdInfoIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ServedExports served;

  @BeforeAll
  static void requireClient() {
    ExternalCommand.require("nbdinfo");
  }

  @BeforeEach
  void start() {
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @Test
  void listsEveryExportWithItsDetails() throws Exception {
    ExternalCommand.Result result = nbdinfo("--json", "--list", "nbd+unix://?socket=" + served.socket());
    assertThat(result.exitCode()).as(result.describe()).isZero();
    JsonNode exports = new ObjectMapper().readTree(result.stdout()).get("exports");
    assertThat(exports).as(result.describe()).hasSize(2);
    assertThat(exports.get(0).get("export-name").asText()).isEqualTo("vol");
    assertThat(exports.get(1).get("export-name").asText()).isEqualTo("snap");
    assertThat(exports.get(1).get("is_read_only").asBoolean()).isTrue();
  }

  @Test
  void describesExportsForHumans() {
    ExternalCommand.Result result = nbdinfo(served.uri("snap"));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).as(result.describe()).contains("description: pxlite read-only snapshot snap");
  }

  @Test
  void describesAVolume() throws Exception {
    ExternalCommand.Result result = nbdinfo("--json", served.uri("vol"));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    JsonNode export = new ObjectMapper().readTree(result.stdout()).get("exports").get(0);
    assertThat(export.get("export-size").asLong()).as(result.describe()).isEqualTo(ServedExports.VOLUME_SIZE);
    assertThat(export.get("is_read_only").asBoolean()).isFalse();
    assertThat(export.get("can_flush").asBoolean()).isTrue();
    assertThat(export.get("can_fua").asBoolean()).isTrue();
    assertThat(export.get("can_trim").asBoolean()).isTrue();
    assertThat(export.get("can_zero").asBoolean()).isTrue();
    assertThat(export.get("can_fast_zero").asBoolean()).isTrue();
    assertThat(export.get("can_df").asBoolean()).isTrue();
    assertThat(export.get("can_multi_conn").asBoolean()).isTrue();
    assertThat(export.get("can_cache").asBoolean()).isTrue();
    assertThat(export.get("block_size_minimum").asInt()).isEqualTo(1);
    assertThat(export.get("block_size_preferred").asInt()).isEqualTo(4096);
    assertThat(export.get("block_size_maximum").asInt()).isEqualTo(32 << 20);
    assertThat(result.stdout()).contains("base:allocation");
  }

  @Test
  void describesASnapshotAsReadOnly() throws Exception {
    ExternalCommand.Result result = nbdinfo("--json", served.uri("snap"));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    JsonNode export = new ObjectMapper().readTree(result.stdout()).get("exports").get(0);
    assertThat(export.get("is_read_only").asBoolean()).as(result.describe()).isTrue();
    assertThat(export.get("can_trim").asBoolean()).isFalse();
    assertThat(export.get("can_zero").asBoolean()).isFalse();
  }

  @Test
  void mapsDataAndHoles() throws Exception {
    InMemoryExport volume = served.volume();
    volume.put(0, new byte[8192]);
    volume.put(1 << 20, new byte[] {1});
    ExternalCommand.Result result = nbdinfo("--json", "--map", served.uri("vol"));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    JsonNode map = new ObjectMapper().readTree(result.stdout());
    assertThat(map).as(result.describe()).hasSize(4);
    assertExtent(map.get(0), 0, 8192, 0);
    assertExtent(map.get(1), 8192, (1 << 20) - 8192, 3);
    assertExtent(map.get(2), 1 << 20, 4096, 0);
    assertExtent(map.get(3), (1 << 20) + 4096, ServedExports.VOLUME_SIZE - (1 << 20) - 4096, 3);
  }

  @Test
  void failsCleanlyForAnUnknownExport() {
    ExternalCommand.Result result = nbdinfo(served.uri("nope"));
    assertThat(result.exitCode()).as(result.describe()).isNotZero();
    // libnbd maps NBD_REP_ERR_UNKNOWN to ENOENT.
    assertThat(result.stderr()).as(result.describe()).contains("No such file or directory for export: nope");
  }

  private static void assertExtent(JsonNode extent, long offset, long length, int type) {
    assertThat(extent.get("offset").asLong()).as(extent.toString()).isEqualTo(offset);
    assertThat(extent.get("length").asLong()).as(extent.toString()).isEqualTo(length);
    assertThat(extent.get("type").asInt()).as(extent.toString()).isEqualTo(type);
  }

  private static ExternalCommand.Result nbdinfo(String... args) {
    List<String> command = new ArrayList<>(List.of("nbdinfo"));
    command.addAll(List.of(args));
    return ExternalCommand.run(TIMEOUT, command);
  }
}
