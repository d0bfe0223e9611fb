package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.api.VolumeRestoreView;
import io.pxlite.nbd.NbdException;
import io.pxlite.nbd.NbdExport;
import io.pxlite.nbd.NbdExportCatalog;
import io.pxlite.node.kvdb.AttachmentRecord;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.store.BlockStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pxctl volume clone}: a new volume with its source's size, replication, file system and I/O
 * policy (not its snapshot schedules), holding a copy of what the source read at the time of the
 * clone. A live volume is first frozen in a snapshot of its own (creator {@code clone}), dropped once
 * copied, so the copy is of one instant while the source keeps taking writes. The copy runs through
 * this node's exports with {@link SnapshotRestore}: MiB by MiB through the new volume's log, holes
 * skipped, so every replica of the clone ends byte-identical and the clone shares nothing with its
 * source, which may be deleted afterwards. While it runs the new volume is claimed for the clone (no
 * host attaches it); a clone that fails is deleted, one cut short by a crash of this node stays
 * claimed, shown as {@code cloning}, until it is deleted.
 */
final class VolumeClones {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeClones.class);
  /** How long this node's replica may take to apply the snapshot its group committed. */
  private static final Duration LOCAL_SNAPSHOT_WAIT = Duration.ofSeconds(30);

  /** The parts of a clone that are the management service's: making and undoing a volume. */
  interface Steps {
    VolumeRecord newVolume(String name, VolumeSpec spec);

    void deleteVolume(VolumeRecord v);
  }

  private final ClusterCatalog catalog;
  private final NbdExportCatalog exports;
  private final BlockStore store;
  private final String selfId;
  private final VolumeSnapshots snapshots;
  private final Steps steps;

  VolumeClones(ClusterCatalog catalog, NbdExportCatalog exports, BlockStore store, String selfId,
      VolumeSnapshots snapshots, Steps steps) {
    this.catalog = catalog;
    this.exports = exports;
    this.store = store;
    this.selfId = selfId;
    this.snapshots = snapshots;
    this.steps = steps;
  }

  /** Clones {@code sourceRef} (a volume or snapshot, by name or id) into a new volume {@code name}. */
  VolumeRecord clone(String sourceRef, String name) {
    Optional<SnapshotRecord> snapshot = snapshots.lookup(sourceRef);
    VolumeRecord volume = snapshot.isPresent()
        ? catalog.volumes().stream().filter(v -> v.id().equals(snapshot.get().volumeId())).findFirst()
            .orElseThrow(() -> ApiException.notFound("snapshot " + sourceRef + " is of volume "
                + snapshot.get().volumeName() + ", which no longer exists"))
        : catalog.volume(sourceRef).or(() -> catalog.volumes().stream().filter(v -> v.id().equals(sourceRef)).findFirst())
            .orElseThrow(() -> ApiException.notFound("no volume or snapshot '" + sourceRef + "' to clone"));
    String sourceName = snapshot.map(SnapshotRecord::name).orElse(volume.name());
    if (!volume.replicas().contains(selfId) || !store.hasVolume(volume.numericId())) {
      throw ApiException.conflict("this node holds no replica of " + sourceName + " to copy from; clone it through a"
          + " node with a replica of " + volume.name() + " (" + String.join(", ", volume.replicas()) + ")");
    }
    if (snapshot.isPresent() && exports.find(sourceName).isEmpty()) {
      throw ApiException.conflict("this node's replica of " + volume.name() + " does not hold snapshot " + sourceName
          + " (yet); clone it through another of its replicas (" + String.join(", ", volume.replicas()) + ")");
    }
    long sourceBytes = snapshot.map(SnapshotRecord::sizeBytes).orElse(volume.sizeBytes());
    VolumeSpec spec = new VolumeSpec(sourceBytes, volume.repl(), volume.fs(), volume.blockSize(), volume.ioPriority(), 0,
        volume.labels() == null ? java.util.Map.of() : volume.labels(), List.of(), volume.limits(), List.of());
    VolumeRecord clone = steps.newVolume(name, spec);
    AttachmentRecord claim = new AttachmentRecord(clone.id(), clone.name(), selfId, Instant.now().toString(),
        AttachmentRecord.CLONE);
    SnapshotRecord frozen = null;
    boolean copied = false;
    try {
      // Inside the try: a kvdb that fails the claim must not leave an unclaimed, empty clone behind.
      AttachmentRecord holder = catalog.claimAttachment(claim);
      if (!holder.equals(claim)) {
        // Only a host that attached the new volume in the instant since its creation gets here.
        throw ApiException.conflict("volume " + name + " was attached on node " + holder.nodeId()
            + " before its clone from " + sourceName + " began; the clone was not made");
      }
      if (snapshot.isEmpty()) {
        frozen = snapshots.take(volume, name + ".clone-source", SnapshotRecord.CLONE);
        awaitLocally(frozen);
      }
      String from = frozen != null ? frozen.name() : sourceName;
      NbdExport into = exports.find(clone.name())
          .orElseThrow(() -> ApiException.unavailable("the new volume " + name + " has no export on this node"));
      NbdExport source = exports.find(from)
          .orElseThrow(() -> ApiException.unavailable("snapshot " + from + " vanished from this node while cloning"));
      LOG.info("cloning {} into new volume {} (from {})", sourceName, name, from);
      VolumeRestoreView done = new SnapshotRestore(into, source, sourceBytes).run();
      LOG.info("cloned {} into new volume {}: {} bytes written in {} ms", sourceName, name, done.writtenBytes(),
          done.millis());
      copied = true;
      return clone;
    } catch (SnapshotRestore.RestoreFailedException | NbdException e) {
      throw ApiException.unavailable("cloning " + sourceName + " into " + name + " stopped: " + e.getMessage()
          + "; the partial clone is deleted", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("cloning " + sourceName + " into " + name + " was interrupted", e);
    } finally {
      if (frozen != null) {
        dropQuietly(frozen, volume);
      }
      if (copied) {
        catalog.attachment(clone.id()).filter(claim::equals).ifPresent(a -> catalog.deleteAttachment(clone.id()));
      } else {
        deleteQuietly(clone);
      }
    }
  }

  /** Waits until this node's replica applied {@code s}, which its group committed (maybe led elsewhere). */
  private void awaitLocally(SnapshotRecord s) {
    long deadline = System.nanoTime() + LOCAL_SNAPSHOT_WAIT.toNanos();
    while (store.snapshotParent(s.numericId()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw ApiException.unavailable("this node's replica of " + s.volumeName() + " did not apply snapshot "
            + s.name() + " within " + LOCAL_SNAPSHOT_WAIT.toSeconds() + " s; the clone was not made");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Undoing must not hide why the clone failed: a failure to undo is logged with what to do about it. */
  private void dropQuietly(SnapshotRecord s, VolumeRecord of) {
    try {
      snapshots.drop(s, of);
    } catch (RuntimeException e) {
      LOG.warn("could not delete snapshot {}, which a clone copied from: {}; delete it with pxctl snap"
          + " delete {}", s.name(), e.getMessage(), s.name(), e);
    }
  }

  private void deleteQuietly(VolumeRecord clone) {
    try {
      steps.deleteVolume(clone);
    } catch (ApiException e) {
      if (e.status() != 404) {
        LOG.warn("could not delete the unfinished clone {}: {}; delete it with pxctl volume delete {}", clone.name(),
            e.getMessage(), clone.name(), e);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not delete the unfinished clone {}: {}; delete it with pxctl volume delete {}", clone.name(),
          e.getMessage(), clone.name(), e);
    }
  }
}
