package io.pxlite.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real pxlite node in its own JVM, started from the module's built classes, with a config.json in
 * a test folder. Tests kill it (SIGKILL), stop it (SIGTERM) and restart it on the same data.
 */
public final class NodeProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path config;
  private final Path log;
  private final int nbdPort;
  private final Path mountsDir;
  private final String address;
  /** Where the data dir and dev0.img live: {@code dir} unless a test puts them on a disk of its own. */
  private Path storage;
  /** Ports from the config (for tests that cut a node's traffic by port); 0 when unknown. */
  private int mgmtPort;
  private int raftPort;
  /** Words put before the java command, e.g. {@code setpriv --regid=N --clear-groups --}; empty by default. */
  private List<String> launcher = List.of();
  private Process process;

  private NodeProcess(Path dir, Path config, int nbdPort, Path mountsDir, String address) {
    this.address = address;
    this.dir = dir;
    this.config = config;
    this.nbdPort = nbdPort;
    this.mountsDir = mountsDir;
    this.log = dir.resolve("node.log");
    this.storage = dir;
  }

  /** Writes a config for a one-device node using {@code etcd} and starts it. */
  public static NodeProcess start(Path dir, EtcdProcess etcd) {
    return start(dir, etcd, "it-" + UUID.randomUUID().toString().substring(0, 8), "2G");
  }

  public static NodeProcess start(Path dir, EtcdProcess etcd, String clusterId, String deviceSize) {
    // Each test node gets its own plugin socket; the host's pxd.sock is left to whoever owns it.
    return start(dir, etcd, clusterId, deviceSize, dir.resolve("pxd.sock"), dir.resolve("mounts"));
  }

  /**
   * Like {@link #start(Path, EtcdProcess)}, with the Docker plugin's socket and mounts dir chosen by
   * the test: dockerd finds a volume plugin only by its socket in /run/docker/plugins.
   */
  public static NodeProcess start(Path dir, EtcdProcess etcd, Path dockerPluginSocket, Path mountsDir) {
    return start(dir, etcd, "it-" + UUID.randomUUID().toString().substring(0, 8), "2G", dockerPluginSocket, mountsDir);
  }

  public static NodeProcess start(Path dir, EtcdProcess etcd, String clusterId, String deviceSize,
      Path dockerPluginSocket, Path mountsDir) {
    return start(dir, etcd, clusterId, deviceSize, dockerPluginSocket, mountsDir, "127.0.0.1");
  }

  /** A node of {@code clusterId} bound to its own loopback address, as one of several "hosts". */
  public static NodeProcess startAt(Path dir, EtcdProcess etcd, String clusterId, String deviceSize, String address) {
    return start(dir, etcd, clusterId, deviceSize, dir.resolve("pxd.sock"), dir.resolve("mounts"), address);
  }

  /**
   * Like {@link #startAt(Path, EtcdProcess, String, String, String)}, run through {@code launcher}: words
   * put before the java command on every start (e.g. {@code setpriv --regid=N --clear-groups --}, so
   * that firewall rules can tell this node's traffic apart by its group). The launcher must exec java,
   * so the process (and {@link #pid()}) is the node's JVM.
   */
  public static NodeProcess startAt(Path dir, EtcdProcess etcd, String clusterId, String deviceSize, String address,
      List<String> launcher) {
    return start(dir, etcd, clusterId, deviceSize, dir.resolve("pxd.sock"), dir.resolve("mounts"), address, launcher);
  }

  private static NodeProcess start(Path dir, EtcdProcess etcd, String clusterId, String deviceSize,
      Path dockerPluginSocket, Path mountsDir, String address) {
    return start(dir, etcd, clusterId, deviceSize, dockerPluginSocket, mountsDir, address, List.of());
  }

  /**
   * Like {@link #startAt(Path, EtcdProcess, String, String, String, List)}, with the data dir and
   * dev0.img under {@code storage} (e.g. a mounted test disk that can lose power) while config.json
   * and node.log stay in {@code dir}.
   */
  public static NodeProcess startAt(Path dir, EtcdProcess etcd, String clusterId, String deviceSize, String address,
      List<String> launcher, Path storage) {
    return start(dir, etcd, clusterId, deviceSize, dir.resolve("pxd.sock"), dir.resolve("mounts"), address, launcher,
        storage);
  }

  private static NodeProcess start(Path dir, EtcdProcess etcd, String clusterId, String deviceSize,
      Path dockerPluginSocket, Path mountsDir, String address, List<String> launcher) {
    return start(dir, etcd, clusterId, deviceSize, dockerPluginSocket, mountsDir, address, launcher, dir);
  }

  private static NodeProcess start(Path dir, EtcdProcess etcd, String clusterId, String deviceSize,
      Path dockerPluginSocket, Path mountsDir, String address, List<String> launcher, Path storage) {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("config.json");
      int nbdPort = FreePorts.next();
      int mgmtPort = FreePorts.next();
      int raftPort = FreePorts.next();
      Map<String, Object> cfg = Map.of(
          "clusterid", clusterId,
          "kvdb", List.of("etcd:" + etcd.endpoint()),
          "mgmtip", address,
          "dataip", address,
          "datadir", storage.resolve("data").toString(),
          "storage", Map.of("devices", List.of(storage.resolve("dev0.img").toString()), "device_size", deviceSize),
          "mounts_dir", mountsDir.toString(),
          "listeners", Map.of("mgmt_port", mgmtPort, "raft_port", raftPort, "nbd_port", nbdPort,
              "docker_plugin_socket", dockerPluginSocket.toString()));
      JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), cfg);
      NodeProcess node = new NodeProcess(dir, config, nbdPort, mountsDir, address);
      node.storage = storage;
      node.mgmtPort = mgmtPort;
      node.raftPort = raftPort;
      node.launcher = List.copyOf(launcher);
      node.start();
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The java command that runs a node from this module's build output. Another module reusing this
   * harness (chaos-tests) names the node's classpath with the system property
   * {@code pxlite.node.classpath}.
   */
  public static List<String> javaCommand(String... args) {
    Path module = Path.of("").toAbsolutePath();
    String cp = System.getProperty("pxlite.node.classpath",
        module.resolve("target/classes") + ":" + module.resolve("target/lib") + "/*");
    // The heap bin/pxlite-node gives a node by default: a replica catching up a minute of writes
    // peaked at 235-315 MB live (see ARCHITECTURE's Raft settings), too close to the 512 MB tests had.
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:MaxDirectMemorySize=512m", "-XX:+ExitOnOutOfMemoryError"));
    // Extra JVM options for every node a test starts, e.g. a profiler's agent
    // (-Dpxlite.node.jvmOptions="-agentpath:...=start,..." on the mvn command line).
    for (String option : System.getProperty("pxlite.node.jvmOptions", "").trim().split("\\s+")) {
      if (!option.isEmpty()) {
        cmd.add(option);
      }
    }
    cmd.addAll(List.of("-cp", journalFirst(cp), "io.pxlite.node.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * {@code cp} with journal's jar in front, as bin/pxlite-node has it: its stand-ins for two Ratis
   * classes must shadow Ratis' own (see journal's {@code RatisStandIns}), and the order of a
   * {@code dir/*} entry's jars is the directory's.
   */
  private static String journalFirst(String cp) {
    List<String> journal = new ArrayList<>();
    for (String entry : cp.split(":")) {
      if (!entry.endsWith("/*")) {
        continue;
      }
      try (java.util.stream.Stream<Path> jars = java.nio.file.Files.list(Path.of(entry.substring(0, entry.length() - 2)))) {
        jars.filter(j -> j.getFileName().toString().matches("journal-.*\\.jar")).forEach(j -> journal.add(j.toString()));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("listing the node's class path entry " + entry, e);
      }
    }
    return journal.isEmpty() ? cp : String.join(":", journal) + ":" + cp;
  }

  public void start() {
    try {
      List<String> cmd = new ArrayList<>(launcher);
      cmd.addAll(javaCommand("--config", config.toString()));
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Poll.until(Duration.ofSeconds(90), "node in " + dir + " to serve its API (log: " + log + ")", () -> {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + ":\n" + logTail());
      }
      return Files.exists(apiSocket()) && curl("GET", "/v1/status", null).exitCode() == 0;
    });
  }

  /**
   * Deletes everything the stopped node stored — its data dir but for its identity, and its device —
   * as if its disks were replaced: it comes back as the same node with nothing.
   */
  public void wipeKeepingIdentity() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException("wipe a stopped node only");
    }
    Path keep = dataDir().resolve("identity.json");
    try (var paths = Files.walk(dataDir())) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(keep) && !p.equals(dataDir())) {
          Files.delete(p);
        }
      }
    }
    Files.deleteIfExists(device());
  }

  public Path dataDir() {
    return storage.resolve("data");
  }

  /** Where the node mounts volumes for Docker: {@code <mountsDir>/<volume name>}. */
  public Path mountsDir() {
    return mountsDir;
  }

  /** Everything the node printed, across restarts (each start appends). */
  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The node's id, from the identity file it writes on first start. */
  public String nodeId() {
    try {
      return JSON.readTree(dataDir().resolve("identity.json").toFile()).get("node_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path device() {
    return storage.resolve("dev0.img");
  }

  public Path apiSocket() {
    return dataDir().resolve("api.sock");
  }

  public Path nbdSocket() {
    return dataDir().resolve("nbd.sock");
  }

  public String nbdUri(String export) {
    return "nbd+unix:///" + export + "?socket=" + nbdSocket();
  }

  /** The export over NBD's TCP listener on the node's data address. */
  public String nbdTcpUri(String export) {
    return "nbd://" + address + ":" + nbdPort + "/" + export;
  }

  /** The address the node binds its API, Raft and NBD TCP listeners to (127.0.0.N). */
  public String address() {
    return address;
  }

  public int raftPort() {
    return raftPort;
  }

  public int mgmtPort() {
    return mgmtPort;
  }

  public int nbdPort() {
    return nbdPort;
  }

  /** The running process's id (the node's JVM: a launcher execs java). */
  public long pid() {
    if (process == null) {
      throw new IllegalStateException("node in " + dir + " was never started");
    }
    return process.pid();
  }

  /** SIGSTOP: the JVM freezes (no thread runs, sockets stay open) until {@link #resume()}. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (!isAlive()) {
      throw new IllegalStateException("node in " + dir + " is not running; cannot send SIG" + name);
    }
    Cmd.run(Duration.ofSeconds(10), "kill", "-" + name, Long.toString(pid())).ok();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill9() {
    process.destroyForcibly();
    waitExit();
  }

  /** SIGTERM: a clean shutdown. */
  public void stop() {
    process.destroy();
    waitExit();
  }

  private void waitExit() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void restart() {
    if (process.isAlive()) {
      stop();
    }
    start();
  }

  private Cmd.Result curl(String method, String path, String body) {
    return curl(method, path, body, Duration.ofSeconds(60));
  }

  private Cmd.Result curl(String method, String path, String body, Duration timeout) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", String.valueOf(timeout.toSeconds()),
        "--unix-socket", apiSocket().toString(),
        "-X", method, "-w", "\n%{http_code}", "http://pxlite" + path));
    if (body != null) {
      cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    return Cmd.run(timeout.plusSeconds(30), null, cmd);
  }

  /** An API call's HTTP status and JSON body. */
  public record Reply(int status, JsonNode body) {}

  public Reply api(String method, String path, Object body) {
    return api(method, path, body, Duration.ofSeconds(60));
  }

  /** An API call allowed {@code timeout} (e.g. a replication change, which copies data). */
  public Reply api(String method, String path, Object body, Duration timeout) {
    try {
      Cmd.Result r = curl(method, path, body == null ? null : JSON.writeValueAsString(body), timeout).ok();
      String out = r.output();
      int cut = out.lastIndexOf('\n');
      int status = Integer.parseInt(out.substring(cut + 1).trim());
      String text = out.substring(0, cut);
      return new Reply(status, text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a volume and returns its JSON view; fails the test on any error. */
  public JsonNode createVolume(String name, String size) {
    Reply r = api("POST", "/v1/volumes", Map.of("name", name, "size", size));
    if (r.status() != 201) {
      throw new AssertionError("create volume " + name + " -> " + r.status() + " " + r.body());
    }
    return r.body();
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitExit();
    }
  }
}
