package io.pxlite.node.kvdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import io.pxlite.node.durable.DurableFiles;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's configuration in the kvdb: node records and liveness, volume specs and the
 * snapshot catalog. Volume and snapshot records are also cached, in memory and in a file in the data
 * dir, refreshed on every successful read and change, so the data path (finding an export by name)
 * keeps working while the kvdb is away — also across a restart of the node during the outage.
 */
public final class ClusterCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCatalog.class);

  private final Kvdb kvdb;
  private final String root;
  private final Path cacheFile;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, VolumeRecord> volumes = new ConcurrentHashMap<>();
  private final Map<String, SnapshotRecord> snapshots = new ConcurrentHashMap<>();

  public ClusterCatalog(Kvdb kvdb, String clusterId, Path cacheFile) {
    this.kvdb = kvdb;
    this.root = "/pxlite/" + clusterId + "/";
    this.cacheFile = cacheFile;
    loadCache();
  }

  /** The cached records as they are written to the cache file. */
  record Cache(List<VolumeRecord> volumes, List<SnapshotRecord> snapshots) {}

  private void loadCache() {
    try {
      DurableFiles.readJson(cacheFile, Cache.class).ifPresent(cache -> {
        if (cache.volumes() != null) {
          cache.volumes().forEach(v -> volumes.put(v.name(), v));
        }
        if (cache.snapshots() != null) {
          cache.snapshots().forEach(s -> snapshots.put(s.name(), s));
        }
      });
    } catch (IOException e) {
      // Only a cache: the kvdb is the source of truth and refills it on the next read.
      LOG.warn("damaged catalog cache {}, starting with it empty; it is refilled from the kvdb: {}", cacheFile,
          e.getMessage());
    }
  }

  /** Whether the cache holds anything from an earlier run (so the node can serve without the kvdb). */
  public boolean hasCachedRecords() {
    return !volumes.isEmpty() || !snapshots.isEmpty();
  }

  private synchronized void persistCache() {
    try {
      DurableFiles.writeJson(cacheFile, new Cache(List.copyOf(volumes.values()), List.copyOf(snapshots.values())));
    } catch (IOException e) {
      LOG.warn("cannot write the catalog cache {}: {}", cacheFile, e.getMessage());
    }
  }

  public Kvdb kvdb() {
    return kvdb;
  }

  // ------------------------------------------------------------------ nodes

  String nodeKey(String nodeId) {
    return root + "nodes/" + nodeId;
  }

  String aliveKey(String nodeId) {
    return root + "alive/" + nodeId;
  }

  public List<NodeRecord> nodes() {
    return kvdb.list(root + "nodes/").stream().map(s -> read(s, NodeRecord.class)).toList();
  }

  public boolean isAlive(String nodeId) {
    return kvdb.get(aliveKey(nodeId)).isPresent();
  }

  /**
   * Removes a node from the cluster ({@code pxctl cluster delete}): its record and liveness go, and
   * a tombstone keeps it from registering again under the same id.
   */
  public void removeNode(String nodeId, String when) {
    kvdb.put(root + "removed/" + nodeId, when);
    kvdb.delete(nodeKey(nodeId));
    kvdb.delete(aliveKey(nodeId));
  }

  /** Whether the node was removed with {@code pxctl cluster delete}. */
  public boolean isRemoved(String nodeId) {
    return kvdb.get(root + "removed/" + nodeId).isPresent();
  }

  // ------------------------------------------------------------------ volumes

  /** Creates the record unless a volume or snapshot of that name exists; false if one does. */
  public boolean createVolume(VolumeRecord v) {
    boolean created = kvdb.putIfAbsent(root + "volumes/" + v.name(), write(v), List.of(root + "snapshots/" + v.name()));
    if (created) {
      volumes.put(v.name(), v);
      persistCache();
    }
    return created;
  }

  /** Replaces an existing volume's record (its name stays). */
  public void updateVolume(VolumeRecord v) {
    kvdb.put(root + "volumes/" + v.name(), write(v));
    volumes.put(v.name(), v);
    persistCache();
  }

  public void deleteVolume(String name) {
    kvdb.delete(root + "volumes/" + name);
    volumes.remove(name);
    persistCache();
  }

  /** All volumes, from the kvdb (and refreshes the cache). */
  public List<VolumeRecord> volumes() {
    List<VolumeRecord> all = kvdb.list(root + "volumes/").stream().map(s -> read(s, VolumeRecord.class)).toList();
    replace(volumes, all.stream().collect(java.util.stream.Collectors.toMap(VolumeRecord::name, v -> v)));
    persistCache();
    return all;
  }

  public Optional<VolumeRecord> volume(String name) {
    Optional<VolumeRecord> v = kvdb.get(root + "volumes/" + name).map(s -> read(s, VolumeRecord.class));
    v.ifPresentOrElse(r -> volumes.put(name, r), () -> volumes.remove(name));
    return v;
  }

  /** From the cache only: for the data path, which must not depend on the kvdb being up. */
  public Optional<VolumeRecord> cachedVolume(String name) {
    return Optional.ofNullable(volumes.get(name));
  }

  public Collection<VolumeRecord> cachedVolumes() {
    return volumes.values();
  }

  // ------------------------------------------------------------------ snapshots

  public boolean createSnapshot(SnapshotRecord s) {
    boolean created = kvdb.putIfAbsent(root + "snapshots/" + s.name(), write(s), List.of(root + "volumes/" + s.name()));
    if (created) {
      snapshots.put(s.name(), s);
      persistCache();
    }
    return created;
  }

  public void deleteSnapshot(String name) {
    kvdb.delete(root + "snapshots/" + name);
    snapshots.remove(name);
    persistCache();
  }

  public List<SnapshotRecord> snapshots() {
    List<SnapshotRecord> all = kvdb.list(root + "snapshots/").stream().map(s -> read(s, SnapshotRecord.class)).toList();
    replace(snapshots, all.stream().collect(java.util.stream.Collectors.toMap(SnapshotRecord::name, s -> s)));
    persistCache();
    return all;
  }

  public Optional<SnapshotRecord> cachedSnapshot(String name) {
    return Optional.ofNullable(snapshots.get(name));
  }

  public Collection<SnapshotRecord> cachedSnapshots() {
    return snapshots.values();
  }

  // ------------------------------------------------------------------ attachments

  /**
   * Records the attachment unless the volume is attached already.
   *
   * @return the record that holds the volume now: {@code a} itself, or another node's
   */
  public AttachmentRecord claimAttachment(AttachmentRecord a) {
    String key = root + "attachments/" + a.volumeId();
    if (kvdb.putIfAbsent(key, write(a), List.of())) {
      return a;
    }
    return kvdb.get(key).map(s -> read(s, AttachmentRecord.class)).orElseGet(() -> claimAttachment(a));
  }

  public Optional<AttachmentRecord> attachment(String volumeId) {
    return kvdb.get(root + "attachments/" + volumeId).map(s -> read(s, AttachmentRecord.class));
  }

  public List<AttachmentRecord> attachments() {
    return kvdb.list(root + "attachments/").stream().map(s -> read(s, AttachmentRecord.class)).toList();
  }

  public void deleteAttachment(String volumeId) {
    kvdb.delete(root + "attachments/" + volumeId);
  }

  // ------------------------------------------------------------------ encoding

  private static <V> void replace(Map<String, V> cache, Map<String, V> fresh) {
    cache.keySet().retainAll(fresh.keySet());
    cache.putAll(fresh);
  }

  String write(Object record) {
    try {
      return json.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + record, e);
    }
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the kvdb holds a " + type.getSimpleName() + " pxlite cannot read: " + text, e);
    }
  }
}
