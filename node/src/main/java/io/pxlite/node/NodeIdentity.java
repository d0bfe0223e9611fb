package io.pxlite.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The node's stable identity, kept in {@code <datadir>/identity.json}: created on first start, read
 * on every later one. Binding the data dir to a cluster stops a data dir (and its Raft logs and
 * index) from being silently reused by another cluster.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeIdentity(String nodeId, String clusterId) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @throws IllegalStateException naming both clusters if the data dir belongs to another cluster and
   *     {@code force} is not set
   */
  public static NodeIdentity loadOrCreate(Path dataDir, String clusterId, boolean force) throws IOException {
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    Path file = dataDir.resolve("identity.json");
    if (Files.exists(file)) {
      NodeIdentity existing = JSON.readValue(file.toFile(), NodeIdentity.class);
      if (existing.clusterId().equals(clusterId)) {
        return existing;
      }
      if (!force) {
        throw new IllegalStateException("data dir " + dataDir + " belongs to cluster '" + existing.clusterId()
            + "', not '" + clusterId + "'; start with --force to take it over (its volumes are lost)");
      }
      // The index and Raft logs describe the other cluster's volumes; they must not leak into this one.
      for (String owned : new String[] {"index", "raft"}) {
        deleteTree(dataDir.resolve(owned));
      }
      return write(file, new NodeIdentity(UUID.randomUUID().toString(), clusterId));
    }
    return write(file, new NodeIdentity(UUID.randomUUID().toString(), clusterId));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static NodeIdentity write(Path file, NodeIdentity identity) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), identity);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return identity;
  }
}
