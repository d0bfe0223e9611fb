package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pxctl host attach|detach|mount|unmount} against a real node on this host: the volume's
 * export made a loop device (nbdfuse + losetup), formatted on first use, mounted, and everything
 * undone again; refusals; and what a restarted node does with what it left attached, whether the
 * device survived the crash or not.
 *
 * <p>Everything these tests (or the node) make on the host lives under the cluster's temporary
 * folder; {@link #sweep} removes whatever is left there after each test, so a failure does not leave
 * mounts or loop devices behind.
 */
class HostAttachIT {
  private static final Duration T = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SingleNodeCluster cluster;
  private static String clusterId;
  private static String nodeId;

  @BeforeAll
  static void start() throws Exception {
    cluster = SingleNodeCluster.start("hostattach");
    JsonNode status = cluster.node.api("GET", "/v1/status", null).body();
    clusterId = status.get("cluster_id").asText();
    nodeId = status.get("node").get("id").asText();
    assertThat(clusterId).isNotBlank();
    assertThat(nodeId).isNotBlank();
  }

  @AfterEach
  void cleanHost() {
    sweep(cluster.dir);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      try {
        cluster.node.close();
        sweep(cluster.dir);
      } finally {
        cluster.close();
      }
    }
  }

  // ------------------------------------------------------------------ a: the whole cycle

  @Test
  void attachMountWriteUnmountDetachThenMountAgainFindsTheData() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("hv-a", "256M");
    Path mnt = mountPoint("hv-a");

    JsonNode attached = ok(post("hv-a", "attach", null));
    String dev = attached.get("device_path").asText();
    assertThat(dev).matches("/dev/loop[0-9]+");
    assertThat(attached.get("node").asText()).isEqualTo(nodeId);
    assertThat(attached.get("users").asInt()).isEqualTo(1);
    assertThat(attached.get("mountpoints")).isEmpty();
    assertThat(Cmd.run(T, "stat", "-L", "-c", "%F", dev).ok().output().trim()).isEqualTo("block special file");
    assertThat(loopsUnder(attachDir())).containsOnly(entry(dev, attachDir().resolve("hv-a/fuse/disk").toString()));
    assertThat(fuseMountsUnder(attachDir())).containsExactly(attachDir().resolve("hv-a/fuse").toString());
    long helper = helperPid("hv-a");
    assertThat(ProcessHandle.of(helper).map(ProcessHandle::isAlive)).contains(true);

    JsonNode v = inspect("hv-a");
    assertThat(v.get("state").asText()).isEqualTo("attached");
    assertThat(v.get("attached_on").asText()).isEqualTo(nodeId);
    assertThat(v.get("device_path").asText()).isEqualTo(dev);
    assertThat(v.get("attach_path")).isEmpty();
    assertThat(claim(v.get("id").asText())).hasValueSatisfying(c -> assertThat(c.get("node_id").asText()).isEqualTo(nodeId));

    JsonNode mounted = ok(post("hv-a", "mount", mnt.toString()));
    assertThat(mounted.get("device_path").asText()).isEqualTo(dev);
    assertThat(texts(mounted.get("mountpoints"))).containsExactly(mnt.toString());
    assertThat(mounted.get("users").asInt()).isEqualTo(2);
    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));
    assertThat(texts(inspect("hv-a").get("attach_path"))).containsExactly(mnt.toString());
    String uuid = fsUuid(dev);
    assertThat(uuid).isNotBlank();

    byte[] data = randomBytes(3 << 20, 1);
    writeSynced(mnt.resolve("data.bin"), data);
    String sha = sha256(data);

    JsonNode unmounted = ok(post("hv-a", "unmount", mnt.toString()));
    assertThat(unmounted.get("mountpoints")).isEmpty();
    assertThat(unmounted.get("device_path").asText()).as("still attached by host attach").isEqualTo(dev);
    assertThat(unmounted.get("users").asInt()).isEqualTo(1);
    assertThat(mountAt(mnt)).isEmpty();
    assertThat(inspect("hv-a").get("state").asText()).isEqualTo("attached");

    JsonNode detached = ok(post("hv-a", "detach", null));
    assertThat(isNull(detached.get("device_path"))).isTrue();
    assertThat(detached.get("users").asInt()).isZero();
    assertNothingAttachedOnHost();
    Poll.until(Duration.ofSeconds(10), "nbdfuse (pid " + helper + ") to exit",
        () -> ProcessHandle.of(helper).map(h -> !h.isAlive()).orElse(true));
    assertDetached("hv-a");

    // Again as an operator types it: mount attaches by itself and finds the filesystem made the first time.
    assertThat(pxctl("host", "mount", "hv-a", mnt.toString()).ok().output())
        .contains("Volume hv-a successfully mounted at " + mnt);
    String dev2 = inspect("hv-a").get("device_path").asText();
    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev2));
    assertThat(fsUuid(dev2)).as("not formatted again").isEqualTo(uuid);
    assertThat(sha256(Files.readAllBytes(mnt.resolve("data.bin")))).isEqualTo(sha);

    assertThat(pxctl("host", "unmount", "hv-a", mnt.toString()).ok().output()).contains("Volume hv-a successfully unmounted");
    assertThat(mountAt(mnt)).isEmpty();
    // Nothing holds it any more (it was only mounted): the device went with the mount.
    assertNothingAttachedOnHost();
    assertDetached("hv-a");

    assertThat(pxctl("host", "attach", "hv-a").ok().output()).matches("(?s)Volume successfully attached at: /dev/loop[0-9]+\\s*");
    assertThat(pxctl("host", "detach", "hv-a").ok().output()).contains("Volume successfully detached");
    assertNothingAttachedOnHost();
    assertThat(node.api("DELETE", "/v1/volumes/hv-a", null).status()).isEqualTo(204);
  }

  // ------------------------------------------------------------------ b: refusals

  @Test
  void detachWhileMountedUnmountOfAPathNotMountedAndDeleteWhileAttachedAreRefused() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("hv-b", "128M");
    Path mnt = mountPoint("hv-b");
    Path elsewhere = mountPoint("hv-b-elsewhere");
    String dev = ok(post("hv-b", "mount", mnt.toString())).get("device_path").asText();

    NodeProcess.Reply detach = post("hv-b", "detach", null);
    assertThat(detach.status()).isEqualTo(409);
    assertThat(error(detach)).contains("hv-b").contains("mounted at " + mnt).contains("unmount it first");
    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));

    NodeProcess.Reply delete = node.api("DELETE", "/v1/volumes/hv-b", null);
    assertThat(delete.status()).isEqualTo(409);
    assertThat(error(delete)).contains("hv-b").contains("attached on node " + nodeId);

    NodeProcess.Reply wrongPath = post("hv-b", "unmount", elsewhere.toString());
    assertThat(wrongPath.status()).isEqualTo(409);
    assertThat(error(wrongPath)).contains("not mounted at " + elsewhere);
    assertThat(mountAt(mnt)).isPresent();
    assertThat(inspect("hv-b").get("device_path").asText()).isEqualTo(dev);

    // A filesystem in use is not unmounted (never lazily, which could drop writes): the unmount fails and says why.
    try (FileChannel open = FileChannel.open(mnt.resolve("open.txt"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      NodeProcess.Reply busy = post("hv-b", "unmount", mnt.toString());
      assertThat(busy.status()).isEqualTo(409);
      assertThat(error(busy)).contains("cannot unmount " + mnt).contains("busy");
      assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));
      assertThat(texts(inspect("hv-b").get("attach_path"))).containsExactly(mnt.toString());
    }

    // Mounting it at a second path is fine; both go with their unmounts.
    ok(post("hv-b", "mount", elsewhere.toString()));
    assertThat(mountAt(elsewhere)).contains(new Mount(elsewhere.toString(), "ext4", dev));
    assertThat(texts(inspect("hv-b").get("attach_path"))).containsExactlyInAnyOrder(mnt.toString(), elsewhere.toString());
    ok(post("hv-b", "unmount", elsewhere.toString()));
    assertThat(mountAt(elsewhere)).isEmpty();
    assertThat(mountAt(mnt)).isPresent();

    ok(post("hv-b", "unmount", mnt.toString()));
    assertThat(mountAt(mnt)).isEmpty();
    assertNothingAttachedOnHost();
    assertDetached("hv-b");

    NodeProcess.Reply again = post("hv-b", "unmount", mnt.toString());
    assertThat(again.status()).isEqualTo(409);
    assertThat(error(again)).contains("not mounted at " + mnt);
    NodeProcess.Reply detachAgain = post("hv-b", "detach", null);
    assertThat(detachAgain.status()).isEqualTo(409);
    assertThat(error(detachAgain)).contains("hv-b").contains("not attached");

    assertThat(node.api("DELETE", "/v1/volumes/hv-b", null).status()).isEqualTo(204);
  }

  @Test
  void aVolumeWithoutAFilesystemIsAttachedNotMounted() throws Exception {
    NodeProcess node = cluster.node;
    NodeProcess.Reply created = node.api("POST", "/v1/volumes", Map.of("name", "hv-raw", "size", "64M", "fs", "none"));
    assertThat(created.status()).isEqualTo(201);
    Path mnt = mountPoint("hv-raw");

    NodeProcess.Reply mount = post("hv-raw", "mount", mnt.toString());
    assertThat(mount.status()).isEqualTo(409);
    assertThat(error(mount)).contains("hv-raw").contains("no filesystem").contains("pxctl host attach");
    assertThat(mountAt(mnt)).isEmpty();
    assertNothingAttachedOnHost();
    assertDetached("hv-raw");

    // As a raw block device it works, and nothing formats it.
    String dev = ok(post("hv-raw", "attach", null)).get("device_path").asText();
    byte[] block = randomBytes(4096, 7);
    try (FileChannel ch = FileChannel.open(Path.of(dev), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(block), 1 << 20);
      ch.force(true);
      ByteBuffer back = ByteBuffer.allocate(4096);
      ch.read(back, 1 << 20);
      assertThat(back.array()).isEqualTo(block);
    }
    assertThat(Cmd.run(T, "blkid", "-p", dev).exitCode()).as("no filesystem found").isEqualTo(2);
    ok(post("hv-raw", "detach", null));
    assertNothingAttachedOnHost();
    try (NbdClient c = NbdClient.connect(node.nbdSocket(), "hv-raw")) {
      assertThat(c.read(1 << 20, 4096).get(30, TimeUnit.SECONDS)).isEqualTo(ByteBuffer.wrap(block));
    }
    assertThat(node.api("DELETE", "/v1/volumes/hv-raw", null).status()).isEqualTo(204);
  }

  @Test
  void aVolumeAttachedOnAnotherNodeIsRefusedNamingThatNode() throws Exception {
    NodeProcess node = cluster.node;
    String id = node.createVolume("hv-c", "64M").get("id").asText();
    Path mnt = mountPoint("hv-c");
    String key = claimKey(id);
    String foreign = JSON.writeValueAsString(Map.of("volume_id", id, "volume_name", "hv-c",
        "node_id", "some-other-node", "since", "2024-01-02T03:04:05Z"));
    etcdctl("put", key, foreign).ok();
    try {
      NodeProcess.Reply attach = post("hv-c", "attach", null);
      assertThat(attach.status()).isEqualTo(409);
      assertThat(error(attach)).contains("hv-c").contains("some-other-node").contains("detach it there first");

      NodeProcess.Reply mount = post("hv-c", "mount", mnt.toString());
      assertThat(mount.status()).isEqualTo(409);
      assertThat(error(mount)).contains("some-other-node");
      assertThat(mountAt(mnt)).isEmpty();
      assertNothingAttachedOnHost();

      JsonNode v = inspect("hv-c");
      assertThat(v.get("state").asText()).isEqualTo("attached");
      assertThat(v.get("attached_on").asText()).isEqualTo("some-other-node");
      assertThat(isNull(v.get("device_path"))).isTrue();

      NodeProcess.Reply delete = node.api("DELETE", "/v1/volumes/hv-c", null);
      assertThat(delete.status()).isEqualTo(409);
      assertThat(error(delete)).contains("some-other-node");

      // The refusals left the other node's claim alone.
      assertThat(claim(id)).hasValueSatisfying(c -> assertThat(c.get("node_id").asText()).isEqualTo("some-other-node"));
    } finally {
      etcdctl("del", key).ok();
    }

    // Released there: attaching here works.
    ok(post("hv-c", "attach", null));
    assertThat(inspect("hv-c").get("attached_on").asText()).isEqualTo(nodeId);
    ok(post("hv-c", "detach", null));
    assertNothingAttachedOnHost();
    assertThat(claim(id)).isEmpty();
    assertThat(node.api("DELETE", "/v1/volumes/hv-c", null).status()).isEqualTo(204);
  }

  // ------------------------------------------------------------------ c, d: restarts

  @Test
  void aMountWhoseDeviceSurvivedANodeCrashKeepsWorking() throws Exception {
    NodeProcess node = cluster.node;
    node.createVolume("hv-d", "256M");
    Path mnt = mountPoint("hv-d");
    String dev = ok(post("hv-d", "mount", mnt.toString())).get("device_path").asText();
    byte[] before = randomBytes(2 << 20, 2);
    writeSynced(mnt.resolve("before.bin"), before);
    long helper = helperPid("hv-d");

    node.kill9();
    assertThat(ProcessHandle.of(helper).map(ProcessHandle::isAlive)).as("nbdfuse outlives the node").contains(true);
    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));
    // A write synced while the node is down waits for it (nbdkit's retry filter), then lands.
    byte[] during = randomBytes(1 << 20, 3);
    CompletableFuture<Void> duringWrite = CompletableFuture.runAsync(() -> writeSynced(mnt.resolve("during.bin"), during));
    node.start();
    duringWrite.get(2, TimeUnit.MINUTES);

    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));
    assertThat(helperPid("hv-d")).isEqualTo(helper);
    JsonNode v = inspect("hv-d");
    assertThat(v.get("state").asText()).isEqualTo("attached");
    assertThat(v.get("attached_on").asText()).isEqualTo(nodeId);
    assertThat(v.get("device_path").asText()).isEqualTo(dev);
    assertThat(texts(v.get("attach_path"))).containsExactly(mnt.toString());

    byte[] after = randomBytes(1 << 20, 4);
    writeSynced(mnt.resolve("after.bin"), after);
    Map<String, String> expected = Map.of("before.bin", sha256(before), "during.bin", sha256(during),
        "after.bin", sha256(after));
    assertThat(shas(mnt, expected.keySet())).isEqualTo(expected);

    // Everything reached the volume: unmounted, detached and mounted afresh, it is all there.
    ok(post("hv-d", "unmount", mnt.toString()));
    assertNothingAttachedOnHost();
    assertDetached("hv-d");
    ok(post("hv-d", "mount", mnt.toString()));
    assertThat(shas(mnt, expected.keySet())).isEqualTo(expected);
    ok(post("hv-d", "unmount", mnt.toString()));
    assertNothingAttachedOnHost();
    assertThat(node.api("DELETE", "/v1/volumes/hv-d", null).status()).isEqualTo(204);
  }

  @Test
  void aMountWhoseDeviceDiedWithTheNodeIsRemovedWholeAtRestart() throws Exception {
    NodeProcess node = cluster.node;
    String id = node.createVolume("hv-e", "256M").get("id").asText();
    Path mnt = mountPoint("hv-e");
    ok(post("hv-e", "mount", mnt.toString()));
    byte[] data = randomBytes(2 << 20, 5);
    writeSynced(mnt.resolve("data.bin"), data);
    ProcessHandle helper = ProcessHandle.of(helperPid("hv-e")).orElseThrow();

    node.kill9();
    helper.destroyForcibly();
    helper.onExit().get(30, TimeUnit.SECONDS);
    node.start();

    assertThat(mountAt(mnt)).as("the dead mount is gone").isEmpty();
    assertNothingAttachedOnHost();
    assertThat(ledger()).as("ledger").isEmpty();
    assertThat(claim(id)).as("kvdb claim").isEmpty();
    assertDetached("hv-e");

    // A new mount finds what was synced before the crash.
    String dev = ok(post("hv-e", "mount", mnt.toString())).get("device_path").asText();
    assertThat(mountAt(mnt)).contains(new Mount(mnt.toString(), "ext4", dev));
    assertThat(sha256(Files.readAllBytes(mnt.resolve("data.bin")))).isEqualTo(sha256(data));
    writeSynced(mnt.resolve("more.bin"), randomBytes(4096, 6));
    ok(post("hv-e", "unmount", mnt.toString()));
    assertNothingAttachedOnHost();

    // And the filesystem is consistent after the recovery.
    String raw = ok(post("hv-e", "attach", null)).get("device_path").asText();
    Cmd.run(T, "fsck.ext4", "-n", "-f", raw).ok();
    ok(post("hv-e", "detach", null));
    assertNothingAttachedOnHost();
    assertThat(node.api("DELETE", "/v1/volumes/hv-e", null).status()).isEqualTo(204);
  }

  // ------------------------------------------------------------------ the API

  private static NodeProcess.Reply post(String volume, String action, String path) {
    return cluster.node.api("POST", "/v1/volumes/" + volume + "/" + action, path == null ? null : Map.of("path", path));
  }

  private static JsonNode ok(NodeProcess.Reply r) {
    assertThat(r.status()).as("HTTP status; body %s; node log:%n%s", r.body(), cluster.node.logTail()).isEqualTo(200);
    return r.body();
  }

  private static JsonNode inspect(String volume) {
    NodeProcess.Reply r = cluster.node.api("GET", "/v1/volumes/" + volume, null);
    assertThat(r.status()).as("inspect %s: %s", volume, r.body()).isEqualTo(200);
    return r.body();
  }

  private static String error(NodeProcess.Reply r) {
    assertThat(r.body().has("error")).as("error body: %s", r.body()).isTrue();
    return r.body().get("error").asText();
  }

  private static void assertDetached(String volume) {
    JsonNode v = inspect(volume);
    assertThat(v.get("state").asText()).isEqualTo("detached");
    assertThat(isNull(v.get("attached_on"))).as("attached_on of %s", v).isTrue();
    assertThat(isNull(v.get("device_path"))).as("device_path of %s", v).isTrue();
    assertThat(v.get("attach_path")).isEmpty();
    assertThat(claim(v.get("id").asText())).isEmpty();
  }

  private static boolean isNull(JsonNode n) {
    return n == null || n.isNull();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Cmd.Result pxctl(String... args) throws IOException {
    Path target = Path.of("").toAbsolutePath().resolveSibling("pxctl").resolve("target");
    Path jar;
    try (Stream<Path> jars = Files.list(target)) {
      jar = jars.filter(p -> p.getFileName().toString().matches("pxctl-.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("pxctl is not built in " + target));
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", jar + ":" + target.resolve("lib") + "/*", "io.pxlite.pxctl.Pxctl",
        "--endpoint", cluster.node.apiSocket().toString()));
    cmd.addAll(List.of(args));
    return Cmd.run(T, null, cmd);
  }

  // ------------------------------------------------------------------ the kvdb and the ledger

  private static String claimKey(String volumeId) {
    return "/pxlite/" + clusterId + "/attachments/" + volumeId;
  }

  private static Cmd.Result etcdctl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + cluster.etcd.endpoint()));
    cmd.addAll(List.of(args));
    return Cmd.run(T, null, cmd);
  }

  /** The attach claim for the volume in etcd, read with etcdctl (not through the node). */
  private static Optional<JsonNode> claim(String volumeId) {
    String value = etcdctl("get", claimKey(volumeId), "--print-value-only").ok().output().strip();
    try {
      return value.isEmpty() ? Optional.empty() : Optional.of(JSON.readTree(value));
    } catch (IOException e) {
      throw new AssertionError("claim of " + volumeId + " is not JSON: " + value, e);
    }
  }

  private static JsonNode ledger() throws IOException {
    return JSON.readTree(cluster.node.dataDir().resolve("attachments.json").toFile());
  }

  private static long helperPid(String volume) throws IOException {
    for (JsonNode a : ledger()) {
      if (a.get("volume_name").asText().equals(volume)) {
        long pid = a.get("device").get("helper_pid").asLong();
        assertThat(pid).as("helper_pid of %s", a).isPositive();
        return pid;
      }
    }
    throw new AssertionError("volume " + volume + " is not in the ledger: " + ledger());
  }

  // ------------------------------------------------------------------ the host

  private static Path attachDir() {
    return cluster.node.dataDir().resolve("attach");
  }

  private static Path mountPoint(String name) {
    return cluster.dir.resolve("mnt").resolve(name);
  }

  private static void assertNothingAttachedOnHost() {
    assertThat(loopsUnder(attachDir())).as("loop devices backed under " + attachDir()).isEmpty();
    assertThat(fuseMountsUnder(attachDir())).as("FUSE mounts under " + attachDir()).isEmpty();
    assertThat(mountsUnder(cluster.dir).stream().filter(m -> !m.fsType().startsWith("fuse")))
        .as("filesystems mounted under " + cluster.dir).isEmpty();
  }

  private static String fsUuid(String device) {
    return Cmd.run(T, "blkid", "-p", "-o", "value", "-s", "UUID", device).ok().output().strip();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes and fsyncs the file and its directory, as an application that means it. */
  private static void writeSynced(Path file, byte[] data) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> shas(Path dir, Iterable<String> names) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, sha256(Files.readAllBytes(dir.resolve(n))));
    }
    return out;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** One line of /proc/self/mountinfo, read here independently of the node's own parser. */
  record Mount(String target, String fsType, String source) {}

  private static List<Mount> mounts() {
    List<Mount> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
          if (f[i].equals("-")) {
            dash = i;
            break;
          }
        }
        if (dash > 0 && dash + 2 < f.length) {
          out.add(new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2])));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  private static Optional<Mount> mountAt(Path target) {
    Mount found = null;
    for (Mount m : mounts()) {
      if (m.target().equals(target.toString())) {
        found = m;
      }
    }
    return Optional.ofNullable(found);
  }

  private static List<Mount> mountsUnder(Path root) {
    String prefix = root + "/";
    return mounts().stream().filter(m -> m.target().startsWith(prefix)).toList();
  }

  private static List<String> fuseMountsUnder(Path root) {
    return mountsUnder(root).stream().filter(m -> m.fsType().startsWith("fuse")).map(Mount::target).toList();
  }

  /** Loop devices whose backing file is under {@code root}, from sysfs. */
  private static Map<String, String> loopsUnder(Path root) {
    String prefix = root + "/";
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
      for (Path d : devices.filter(p -> p.getFileName().toString().startsWith("loop")).sorted().toList()) {
        Path backing = d.resolve("loop/backing_file");
        if (Files.exists(backing)) {
          String file = Files.readString(backing).strip();
          if (file.startsWith(prefix)) {
            out.put("/dev/" + d.getFileName(), file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Removes whatever a test or the node left on the host under {@code root}: filesystems, loop
   * devices, FUSE mounts, and nbdfuse/nbdkit processes serving them. Best effort; says what it did.
   */
  private static void sweep(Path root) {
    try {
      Map<String, String> loops = loopsUnder(root);
      List<Mount> all = mounts();
      for (int i = all.size() - 1; i >= 0; i--) {
        Mount m = all.get(i);
        if (!m.fsType().startsWith("fuse") && (m.target().startsWith(root + "/") || loops.containsKey(m.source()))) {
          System.err.println("HostAttachIT cleanup: unmounting " + m.target());
          if (Cmd.run(T, "umount", m.target()).exitCode() != 0) {
            Cmd.run(T, "umount", "-l", m.target());
          }
        }
      }
      for (String loop : loops.keySet()) {
        System.err.println("HostAttachIT cleanup: detaching " + loop);
        Cmd.run(T, "losetup", "-d", loop);
      }
      for (String fuse : fuseMountsUnder(root)) {
        System.err.println("HostAttachIT cleanup: unmounting FUSE " + fuse);
        if (Cmd.run(T, "fusermount3", "-u", fuse).exitCode() != 0) {
          Cmd.run(T, "fusermount3", "-u", "-z", fuse);
        }
      }
      ProcessHandle.allProcesses()
          .filter(p -> p.info().command().map(c -> c.endsWith("/nbdfuse") || c.endsWith("/nbdkit")).orElse(false))
          .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(root.toString())).orElse(false))
          .forEach(p -> {
            System.err.println("HostAttachIT cleanup: killing " + p.info().command().orElse("?") + " pid " + p.pid());
            p.destroyForcibly();
          });
    } catch (RuntimeException | AssertionError e) {
      System.err.println("HostAttachIT cleanup failed: " + e);
    }
  }
}
