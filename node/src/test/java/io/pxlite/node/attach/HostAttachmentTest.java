package io.pxlite.node.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostAttachmentTest {
  private static final AttachedDevice DEVICE =
      new AttachedDevice("/dev/loop3", FuseLoopAttacher.MECHANISM, "/var/lib/pxlite/attach/demo/fuse", 4242);

  private static HostAttachment fresh() {
    return new HostAttachment("demo", "00000000000000a1", DEVICE, false, Map.of());
  }

  @Test
  void aFreshAttachmentHasNoUsers() {
    HostAttachment a = fresh();
    assertThat(a.users()).isZero();
    assertThat(a.unused()).isTrue();
    assertThat(a.mounts()).isEmpty();
  }

  @Test
  void anExplicitHostAttachIsOneUser() {
    HostAttachment a = fresh().withHeldByHost(true);
    assertThat(a.users()).isEqualTo(1);
    assertThat(a.unused()).isFalse();
    assertThat(a.withHeldByHost(false).unused()).isTrue();
  }

  @Test
  void eachHolderOfEachPathCounts() {
    HostAttachment a = fresh()
        .withHolder("/mnt/a", HostAttachment.HOST_HOLDER)
        .withHolder("/mnt/b", HostAttachment.dockerHolder("c1"))
        .withHolder("/mnt/b", HostAttachment.dockerHolder("c2"))
        .withHeldByHost(true);
    assertThat(a.users()).isEqualTo(4);
    assertThat(a.mounts()).containsOnly(
        entry("/mnt/a", Set.of("host")), entry("/mnt/b", Set.of("docker:c1", "docker:c2")));
  }

  @Test
  void addingAHolderTwiceCountsItOnce() {
    HostAttachment a = fresh().withHolder("/mnt/a", "docker:c1").withHolder("/mnt/a", "docker:c1");
    assertThat(a.users()).isEqualTo(1);
    assertThat(a.mounts().get("/mnt/a")).containsExactly("docker:c1");
  }

  @Test
  void aPathIsDroppedWhenItsLastHolderLeaves() {
    HostAttachment a = fresh().withHolder("/mnt/b", "docker:c1").withHolder("/mnt/b", "docker:c2");
    HostAttachment one = a.withoutHolder("/mnt/b", "docker:c1");
    assertThat(one.mounts()).containsOnly(entry("/mnt/b", Set.of("docker:c2")));
    assertThat(one.unused()).isFalse();
    HostAttachment none = one.withoutHolder("/mnt/b", "docker:c2");
    assertThat(none.mounts()).doesNotContainKey("/mnt/b").isEmpty();
    assertThat(none.unused()).isTrue();
  }

  @Test
  void removingAHolderThatDoesNotHoldChangesNothing() {
    HostAttachment a = fresh().withHolder("/mnt/a", "host");
    assertThat(a.withoutHolder("/mnt/a", "docker:x")).isEqualTo(a);
    assertThat(a.withoutHolder("/mnt/other", "host")).isEqualTo(a);
  }

  @Test
  void withoutMountDropsAllItsHolders() {
    HostAttachment a = fresh().withHolder("/mnt/a", "host").withHolder("/mnt/a", "docker:c1")
        .withHolder("/mnt/b", "docker:c2");
    HostAttachment b = a.withoutMount("/mnt/a");
    assertThat(b.mounts()).containsOnlyKeys("/mnt/b");
    assertThat(b.users()).isEqualTo(1);
  }

  @Test
  void theOriginalIsNeverChanged() {
    HostAttachment a = fresh();
    a.withHolder("/mnt/a", "host");
    a.withHeldByHost(true);
    assertThat(a).isEqualTo(fresh());
    assertThat(a.withDevice(null).device()).isNull();
    assertThat(a.device()).isEqualTo(DEVICE);
  }

  @Test
  void theMountsAreACopyThatCannotBeChanged() {
    Map<String, Set<String>> given = new LinkedHashMap<>();
    Set<String> holders = new HashSet<>(Set.of("host"));
    given.put("/mnt/a", holders);
    HostAttachment a = new HostAttachment("demo", "id", DEVICE, false, given);
    holders.add("docker:late");
    given.put("/mnt/late", Set.of("host"));
    assertThat(a.mounts()).containsOnly(entry("/mnt/a", Set.of("host")));
    assertThatThrownBy(() -> a.mounts().put("/x", Set.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.mounts().get("/mnt/a").add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullMountsAreNoMounts() {
    assertThat(new HostAttachment("demo", "id", DEVICE, true, null).mounts()).isEmpty();
  }

  @Test
  void theLedgerWritesSnakeCaseJsonAndReadsItBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("attachments.json");
    HostAttachment a = fresh().withHeldByHost(true).withHolder("/mnt/my vol", "host")
        .withHolder("/mnt/b", "docker:c1").withHolder("/mnt/b", "docker:c2");
    HostAttachment b = new HostAttachment("raw", "00000000000000b2",
        new AttachedDevice("/dev/nbd0", NbdClientAttacher.MECHANISM, null, 0), true, Map.of());
    AttachmentLedger ledger = new AttachmentLedger(file);
    ledger.put(a);
    ledger.put(b);

    JsonNode written = new ObjectMapper().readTree(file.toFile());
    assertThat(written.isArray()).isTrue();
    assertThat(written).hasSize(2);
    JsonNode first = written.get(0);
    assertThat(first.get("volume_name").asText()).isEqualTo("demo");
    assertThat(first.get("volume_id").asText()).isEqualTo("00000000000000a1");
    assertThat(first.get("held_by_host").asBoolean()).isTrue();
    assertThat(first.get("mounts").get("/mnt/b")).hasSize(2);
    JsonNode device = first.get("device");
    assertThat(device.get("device_path").asText()).isEqualTo("/dev/loop3");
    assertThat(device.get("mechanism").asText()).isEqualTo("nbdfuse+loop");
    assertThat(device.get("fuse_dir").asText()).isEqualTo("/var/lib/pxlite/attach/demo/fuse");
    assertThat(device.get("helper_pid").asLong()).isEqualTo(4242);
    // Derived values are not stored: they would only go stale.
    assertThat(first.has("users")).isFalse();
    assertThat(first.has("unused")).isFalse();
    assertThat(dir.toFile().list()).containsExactly("attachments.json");

    AttachmentLedger reread = new AttachmentLedger(file);
    assertThat(reread.all()).containsExactly(a, b);
    assertThat(reread.get("demo")).contains(a);
    assertThat(reread.get("demo").orElseThrow().users()).isEqualTo(4);

    reread.remove("demo");
    reread.remove("never-there");
    assertThat(new AttachmentLedger(file).all()).containsExactly(b);
    reread.remove("raw");
    assertThat(new ObjectMapper().readTree(file.toFile())).isEmpty();
  }

  @Test
  void aDamagedLedgerStartsEmptyAndIsReplacedOnTheNextChange(@TempDir Path dir) throws Exception {
    // A ledger lost to power loss only costs re-establishing mounts; the node must still start.
    for (String damage : new String[] {"{not json", ""}) {
      Path file = dir.resolve("attachments.json");
      Files.writeString(file, damage);
      AttachmentLedger ledger = new AttachmentLedger(file);
      assertThat(ledger.all()).isEmpty();
      HostAttachment a = fresh();
      ledger.put(a);
      assertThat(new AttachmentLedger(file).all()).containsExactly(a);
    }
  }

  @Test
  void noLedgerFileIsAnEmptyLedger(@TempDir Path dir) {
    assertThat(new AttachmentLedger(dir.resolve("attachments.json")).all()).isEmpty();
  }
}
