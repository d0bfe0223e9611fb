package io.pxlite.node.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates config.json. Every problem is reported as a {@link ConfigException} naming the
 * field; unknown fields are errors too, because a misspelt optional field would otherwise be
 * silently ignored.
 */
public final class NodeConfigLoader {
  private static final Set<String> TOP_FIELDS = Set.of(
      "clusterid", "kvdb", "mgtiface", "dataiface", "mgmtip", "dataip", "datadir", "storage", "listeners", "mounts_dir",
      "cafile", "certfile", "certkey", "username", "password");
  private static final Set<String> STORAGE_FIELDS = Set.of("devices", "device_size");
  private static final Set<String> LISTENER_FIELDS = Set.of("mgmt_port", "raft_port", "nbd_port", "api_socket", "nbd_socket",
      "docker_plugin_socket");
  private static final Path DEFAULT_DATADIR = Path.of("/var/lib/pxlite");
  /** Where Docker looks for plugins by socket; the file name is the driver name ({@code -d pxd}). */
  private static final Path DEFAULT_DOCKER_PLUGIN_SOCKET = Path.of("/run/docker/plugins/pxd.sock");
  /** PX's mount root, kept so PX users find their volumes where they expect them. */
  private static final Path DEFAULT_MOUNTS_DIR = Path.of("/var/lib/osd/mounts");

  private final ObjectMapper json = new ObjectMapper();

  public NodeConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toAbsolutePath().getParent());
  }

  /** @param baseDir relative paths in the config are resolved against it (the config file's folder) */
  public NodeConfig parse(String text, Path baseDir) {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("", "config is not valid JSON: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("", "config must be a JSON object");
    }
    rejectUnknown((ObjectNode) root, TOP_FIELDS, "");
    for (String unsupported : List.of("cafile", "certfile", "certkey", "username", "password")) {
      if (root.has(unsupported)) {
        throw new ConfigException(unsupported, "TLS and authentication to etcd are not supported yet; remove the field");
      }
    }

    String clusterId = requiredText(root, "clusterid");
    if (!clusterId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new ConfigException("clusterid", "'" + clusterId + "' must be 1-128 letters, digits, '.', '_' or '-'");
    }
    List<URI> kvdb = kvdbEndpoints(root.get("kvdb"));
    String mgmtIp = address(root, "mgmtip", "mgtiface");
    String dataIp = address(root, "dataip", "dataiface");
    Path dataDir = root.has("datadir") ? baseDir.resolve(requiredText(root, "datadir")) : DEFAULT_DATADIR;

    JsonNode storage = root.get("storage");
    if (storage == null || !storage.isObject()) {
      throw new ConfigException("storage", "required: an object with \"devices\": [paths of block devices or files]");
    }
    rejectUnknown((ObjectNode) storage, STORAGE_FIELDS, "storage.");
    List<Path> devices = devices(storage.get("devices"), baseDir);
    long deviceSize = storage.has("device_size")
        ? ByteSize.parse(storage.get("device_size").asText(), ByteSize.GIB, "storage.device_size")
        : NodeConfig.DEFAULT_DEVICE_SIZE;
    if (deviceSize < 64 * ByteSize.MIB) {
      throw new ConfigException("storage.device_size", "must be at least 64M, got " + ByteSize.format(deviceSize));
    }

    JsonNode listeners = root.has("listeners") ? root.get("listeners") : json.createObjectNode();
    if (!listeners.isObject()) {
      throw new ConfigException("listeners", "must be an object");
    }
    rejectUnknown((ObjectNode) listeners, LISTENER_FIELDS, "listeners.");
    int mgmtPort = port(listeners, "mgmt_port", NodeConfig.DEFAULT_MGMT_PORT);
    int raftPort = port(listeners, "raft_port", NodeConfig.DEFAULT_RAFT_PORT);
    Optional<Integer> nbdPort = listeners.hasNonNull("nbd_port")
        ? Optional.of(port(listeners, "nbd_port", 0)) : Optional.empty();
    Path apiSocket = listeners.has("api_socket")
        ? baseDir.resolve(listeners.get("api_socket").asText()) : dataDir.resolve("api.sock");
    Path nbdSocket = listeners.has("nbd_socket")
        ? baseDir.resolve(listeners.get("nbd_socket").asText()) : dataDir.resolve("nbd.sock");
    // An empty string turns the plugin off: only one node per host can serve Docker's pxd socket.
    Optional<Path> dockerPluginSocket = !listeners.has("docker_plugin_socket")
        ? Optional.of(DEFAULT_DOCKER_PLUGIN_SOCKET)
        : listeners.get("docker_plugin_socket").asText().isEmpty()
            ? Optional.empty() : Optional.of(baseDir.resolve(listeners.get("docker_plugin_socket").asText()));
    Path mountsDir = root.has("mounts_dir") ? baseDir.resolve(requiredText(root, "mounts_dir")) : DEFAULT_MOUNTS_DIR;
    return new NodeConfig(clusterId, kvdb, mgmtIp, dataIp, dataDir, devices, deviceSize, mgmtPort, raftPort,
        nbdPort, apiSocket, nbdSocket, dockerPluginSocket, mountsDir);
  }

  private static void rejectUnknown(ObjectNode node, Set<String> known, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        List<String> sorted = new ArrayList<>(known);
        Collections.sort(sorted);
        throw new ConfigException(prefix + name, "unknown field (known: " + String.join(", ", sorted) + ")");
      }
    }
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      throw new ConfigException(field, "required");
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new ConfigException(field, "must be a non-empty string");
    }
    return v.asText().trim();
  }

  /** PX-Lite took one URI string, later PX a list like ["etcd:http://h:2379"]; both are accepted. */
  static List<URI> kvdbEndpoints(JsonNode kvdb) {
    if (kvdb == null || kvdb.isNull()) {
      throw new ConfigException("kvdb", "required: an etcd endpoint such as \"etcd:http://127.0.0.1:2379\"");
    }
    List<JsonNode> items = new ArrayList<>();
    if (kvdb.isArray()) {
      kvdb.forEach(items::add);
    } else {
      items.add(kvdb);
    }
    if (items.isEmpty()) {
      throw new ConfigException("kvdb", "the list is empty; give at least one etcd endpoint");
    }
    List<URI> uris = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String field = kvdb.isArray() ? "kvdb[" + i + "]" : "kvdb";
      JsonNode item = items.get(i);
      if (!item.isTextual()) {
        throw new ConfigException(field, "must be a string such as \"etcd:http://127.0.0.1:2379\"");
      }
      String text = item.asText().trim();
      String url = text.startsWith("etcd:") ? text.substring("etcd:".length()) : text;
      if (url.startsWith("etcd://")) {
        url = "http://" + url.substring("etcd://".length());
      }
      try {
        URI uri = new URI(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          throw new ConfigException(field, "'" + text + "' must be an http(s) URL, optionally prefixed with 'etcd:'");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
          throw new ConfigException(field, "'" + text + "' must name a host and a port, e.g. etcd:http://127.0.0.1:2379");
        }
        uris.add(uri);
      } catch (URISyntaxException e) {
        throw new ConfigException(field, "'" + text + "' is not a URL: " + e.getReason());
      }
    }
    return uris;
  }

  /** An explicit ip field wins; else the first IPv4 address of the named interface; else loopback. */
  private static String address(JsonNode root, String ipField, String ifaceField) {
    if (root.hasNonNull(ipField)) {
      String ip = requiredText(root, ipField);
      try {
        InetAddress a = InetAddress.getByName(ip);
        if (!ip.equals(a.getHostAddress()) && !ip.contains(":")) {
          throw new ConfigException(ipField, "'" + ip + "' must be a literal IP address");
        }
      } catch (java.net.UnknownHostException e) {
        throw new ConfigException(ipField, "'" + ip + "' is not an IP address");
      }
      return ip;
    }
    if (root.hasNonNull(ifaceField)) {
      String name = requiredText(root, ifaceField);
      try {
        NetworkInterface nic = NetworkInterface.getByName(name);
        if (nic == null) {
          throw new ConfigException(ifaceField, "no network interface named '" + name + "' on this host");
        }
        return Collections.list(nic.getInetAddresses()).stream()
            .filter(Inet4Address.class::isInstance)
            .map(InetAddress::getHostAddress)
            .findFirst()
            .orElseThrow(() -> new ConfigException(ifaceField, "interface '" + name + "' has no IPv4 address"));
      } catch (SocketException e) {
        throw new ConfigException(ifaceField, "cannot read interface '" + name + "': " + e.getMessage());
      }
    }
    return "127.0.0.1";
  }

  private static List<Path> devices(JsonNode devices, Path baseDir) {
    if (devices == null || !devices.isArray() || devices.isEmpty()) {
      throw new ConfigException("storage.devices", "required: a non-empty list of block devices or files");
    }
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      JsonNode d = devices.get(i);
      if (!d.isTextual() || d.asText().isBlank()) {
        throw new ConfigException("storage.devices[" + i + "]", "must be a path string");
      }
      Path p = baseDir.resolve(d.asText()).normalize();
      if (paths.contains(p)) {
        throw new ConfigException("storage.devices[" + i + "]", p + " is listed twice");
      }
      paths.add(p);
    }
    return paths;
  }

  private static int port(JsonNode listeners, String field, int dflt) {
    JsonNode v = listeners.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isInt() || v.asInt() < 0 || v.asInt() > 65535) {
      throw new ConfigException("listeners." + field, "must be a port number 0-65535, got " + v);
    }
    return v.asInt();
  }
}
