package io.pxlite.node.volume;

import io.pxlite.nbd.NbdExport;
import io.pxlite.nbd.NbdExportCatalog;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.store.BlockStore;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The NBD exports of this node: every volume and snapshot whose data this node holds, by name.
 * Looks names up in the catalog's cache so that new connections work while the kvdb is away.
 */
public final class VolumeExports implements NbdExportCatalog {
  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final BlockStore store;

  public VolumeExports(ClusterCatalog catalog, ReplicaGroups groups, BlockStore store) {
    this.catalog = catalog;
    this.groups = groups;
    this.store = store;
  }

  @Override
  public Optional<NbdExport> find(String name) {
    Optional<VolumeRecord> volume = catalog.cachedVolume(name);
    if (volume.isPresent() && store.hasVolume(volume.get().numericId())) {
      VolumeRecord v = volume.get();
      return Optional.of(StoreExport.volume(v.name(), v.numericId(), store, groups.logOf(v)));
    }
    Optional<SnapshotRecord> snapshot = catalog.cachedSnapshot(name);
    if (snapshot.isPresent() && store.snapshotParent(snapshot.get().numericId()).isPresent()) {
      return Optional.of(StoreExport.snapshot(name, snapshot.get().numericId(), store));
    }
    return Optional.empty();
  }

  @Override
  public List<String> names() {
    return Stream.concat(
            catalog.cachedVolumes().stream().map(VolumeRecord::name),
            catalog.cachedSnapshots().stream().map(SnapshotRecord::name))
        .sorted()
        .toList();
  }
}
