package io.pxlite.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  private static final long DEVICE_BYTES = 64L << 20;

  @Test
  void aFreshDataDirGetsANewIdentityThatIsReadBack(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    NodeIdentity created = NodeIdentity.loadOrCreate(data, "c1", false, List.of(dir.resolve("dev0")));
    assertThat(created.clusterId()).isEqualTo("c1");
    assertThat(created.nodeId()).isNotBlank();
    assertThat(NodeIdentity.loadOrCreate(data, "c1", false, List.of())).isEqualTo(created);
    assertThat(data.toFile().list()).containsExactly("identity.json");
  }

  @Test
  void anotherClusterIsRefusedWithoutForce(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    NodeIdentity.loadOrCreate(data, "c1", false, List.of());
    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(data, "c2", false, List.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'c1'").hasMessageContaining("'c2'");
  }

  @Test
  void aZeroByteIdentityIsRecoveredFromTheDeviceLabels(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path device = dir.resolve("dev0");
    NodeIdentity original = labelledStore(data, device);
    Files.write(data.resolve("identity.json"), new byte[0]);

    assertThat(NodeIdentity.loadOrCreate(data, "c1", false, List.of(device))).isEqualTo(original);
    // Written again, so the next start reads it without the labels.
    assertThat(NodeIdentity.loadOrCreate(data, "c1", false, List.of())).isEqualTo(original);
  }

  @Test
  void anUnparsableIdentityIsRecoveredFromTheDeviceLabels(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path device = dir.resolve("dev0");
    NodeIdentity original = labelledStore(data, device);
    Files.writeString(data.resolve("identity.json"), "{\"node_id\":\"" + original.nodeId().substring(0, 5));

    assertThat(NodeIdentity.loadOrCreate(data, "c1", false, List.of(dir.resolve("missing-dev"), device)))
        .isEqualTo(original);
  }

  @Test
  void aMissingIdentityBesideAStoreIsRecoveredFromTheDeviceLabels(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path device = dir.resolve("dev0");
    NodeIdentity original = labelledStore(data, device);
    Files.delete(data.resolve("identity.json"));

    assertThat(NodeIdentity.loadOrCreate(data, "c1", false, List.of(device))).isEqualTo(original);
  }

  @Test
  void aDamagedIdentityWithoutLabelsIsUnrecoverableAndNamesTheFile(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    NodeIdentity.loadOrCreate(data, "c1", false, List.of());
    Path file = data.resolve("identity.json");
    Files.write(file, new byte[0]);
    Path unlabelled = dir.resolve("blank-dev");
    Files.write(unlabelled, new byte[8192]);

    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(data, "c1", false, List.of(unlabelled)))
        .isInstanceOfSatisfying(UnrecoverableIdentityException.class, e -> assertThat(e.file()).isEqualTo(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("empty")
        .hasMessageContaining("--force");
    assertThat(file).isEmptyFile(); // left as found for the operator
  }

  @Test
  void aMissingIdentityBesideAnIndexWithoutLabelsIsUnrecoverable(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("index"));
    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(data, "c1", false, List.of(dir.resolve("nodev"))))
        .isInstanceOf(UnrecoverableIdentityException.class)
        .hasMessageContaining(data.resolve("identity.json").toString())
        .hasMessageContaining("missing");
  }

  /** A data dir as a node leaves it: identity.json and a block store whose device is labelled. */
  private static NodeIdentity labelledStore(Path data, Path device) throws Exception {
    NodeIdentity identity = NodeIdentity.loadOrCreate(data, "c1", false, List.of(device));
    try (BlockStore store = BlockStore.open(new StoreConfig(data.resolve("index"),
        List.of(new DeviceConfig(device, DEVICE_BYTES)), "c1", identity.nodeId(), false))) {
      assertThat(store).isNotNull();
    }
    return identity;
  }
}
