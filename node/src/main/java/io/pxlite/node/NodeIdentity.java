package io.pxlite.node;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.pxlite.node.durable.DamagedFileException;
import io.pxlite.node.durable.DurableFiles;
import io.pxlite.store.device.DeviceLabel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's stable identity, kept in {@code <datadir>/identity.json}: created on first start, read
 * on every later one. Binding the data dir to a cluster stops a data dir (and its Raft logs and
 * index) from being silently reused by another cluster. The file is written durably; if it is lost
 * or damaged anyway (power loss before this was so), the device labels, which carry the same two ids,
 * give it back.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeIdentity(String nodeId, String clusterId) {
  private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);

  /**
   * @param devices the configured device paths, read for their labels when identity.json is unusable
   * @throws IllegalStateException naming both clusters if the data dir belongs to another cluster and
   *     {@code force} is not set
   * @throws UnrecoverableIdentityException if identity.json is unusable, the data dir holds a store and
   *     the labels do not name its node
   */
  public static NodeIdentity loadOrCreate(Path dataDir, String clusterId, boolean force, List<Path> devices)
      throws IOException {
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    Path file = dataDir.resolve("identity.json");
    Optional<NodeIdentity> existing;
    try {
      existing = DurableFiles.readJson(file, NodeIdentity.class);
      if (existing.isPresent() && (existing.get().nodeId() == null || existing.get().clusterId() == null)) {
        throw new DamagedFileException(file, "node_id or cluster_id is missing", null);
      }
    } catch (DamagedFileException e) {
      existing = Optional.of(recover(file, e.reason(), devices));
      DurableFiles.writeJson(file, existing.get());
    }
    if (existing.isEmpty()) {
      // Devices labelled for another cluster are not this node's to recover: the device check that
      // follows refuses them, naming both clusters (or takes them over with --force).
      Optional<NodeIdentity> labelled = fromLabels(file, devices).filter(l -> l.clusterId().equals(clusterId));
      if (labelled.isPresent()) {
        LOG.warn("{} is missing but the devices are labelled; recovered node id {} and cluster id {} from the device"
            + " labels and wrote {} again", file, labelled.get().nodeId(), labelled.get().clusterId(), file);
        existing = labelled;
        DurableFiles.writeJson(file, existing.get());
      } else if (Files.exists(dataDir.resolve("index"))) {
        throw new UnrecoverableIdentityException(file,
            "the file is missing, the data dir holds a block store index, and no device carries a pxlite label");
      }
    }
    if (existing.isPresent()) {
      if (existing.get().clusterId().equals(clusterId)) {
        return existing.get();
      }
      if (!force) {
        throw new IllegalStateException("data dir " + dataDir + " belongs to cluster '" + existing.get().clusterId()
            + "', not '" + clusterId + "'; start with --force to take it over (its volumes are lost)");
      }
      // The index and Raft logs describe the other cluster's volumes; they must not leak into this one.
      for (String owned : new String[] {"index", "raft"}) {
        deleteTree(dataDir.resolve(owned));
      }
    }
    NodeIdentity fresh = new NodeIdentity(UUID.randomUUID().toString(), clusterId);
    DurableFiles.writeJson(file, fresh);
    return fresh;
  }

  private static NodeIdentity recover(Path file, String reason, List<Path> devices) throws IOException {
    Optional<NodeIdentity> labelled = fromLabels(file, devices);
    if (labelled.isEmpty()) {
      throw new UnrecoverableIdentityException(file, reason + ", and no configured device " + devices
          + " carries a pxlite label naming the node");
    }
    LOG.warn("{} is damaged ({}); recovered node id {} and cluster id {} from the device labels and wrote {} again",
        file, reason, labelled.get().nodeId(), labelled.get().clusterId(), file);
    return labelled.get();
  }

  /** The identity all labelled devices agree on; empty if none is labelled. */
  private static Optional<NodeIdentity> fromLabels(Path file, List<Path> devices) throws IOException {
    Set<NodeIdentity> found = new LinkedHashSet<>();
    List<String> unreadable = new ArrayList<>();
    for (Path device : devices) {
      try {
        DeviceLabel.readFrom(device).ifPresent(l -> found.add(new NodeIdentity(l.nodeId(), l.clusterId())));
      } catch (DeviceLabel.DamagedLabelException e) {
        unreadable.add(device + " (" + e.getMessage() + ")");
      }
    }
    if (!unreadable.isEmpty()) {
      LOG.warn("while recovering {}: device labels not readable: {}", file, unreadable);
    }
    if (found.size() > 1) {
      throw new UnrecoverableIdentityException(file, "the device labels name different nodes: " + found);
    }
    return found.stream().findFirst();
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
}
