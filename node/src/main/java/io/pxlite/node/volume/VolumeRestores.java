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
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pxctl volume restore}: checks that the snapshot is the volume's and that the volume is
 * detached, holds the volume's attachment for this node while the restore runs (so no host or
 * container attaches it meanwhile; a restart of this node releases it), and runs
 * {@link SnapshotRestore} through this node's exports.
 */
final class VolumeRestores {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeRestores.class);

  private final ClusterCatalog catalog;
  private final NbdExportCatalog exports;
  private final String selfId;

  VolumeRestores(ClusterCatalog catalog, NbdExportCatalog exports, String selfId) {
    this.catalog = catalog;
    this.exports = exports;
    this.selfId = selfId;
  }

  VolumeRestoreView restore(VolumeRecord v, String snapshotRef) {
    if (snapshotRef == null || snapshotRef.isBlank()) {
      throw ApiException.badRequest("field 'snapshot': the snapshot to restore from is required");
    }
    SnapshotRecord s = catalog.snapshots().stream()
        .filter(r -> r.name().equals(snapshotRef) || r.id().equals(snapshotRef))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no snapshot '" + snapshotRef + "'"));
    if (!s.volumeId().equals(v.id())) {
      throw ApiException.badRequest("snapshot " + s.name() + " is of volume " + s.volumeName() + ", not of " + v.name()
          + "; a volume can only be restored from its own snapshots");
    }
    AttachmentRecord claim = new AttachmentRecord(v.id(), v.name(), selfId, Instant.now().toString(),
        AttachmentRecord.RESTORE);
    AttachmentRecord holder = catalog.claimAttachment(claim);
    if (holder.isRestore() && !holder.equals(claim)) {
      throw ApiException.conflict("volume " + v.name() + " is being restored on node " + holder.nodeId() + " since "
          + holder.since() + "; wait for that restore to finish");
    }
    if (!holder.equals(claim)) {
      throw ApiException.conflict("volume " + v.name() + " is attached on node " + holder.nodeId() + " since "
          + holder.since() + "; detach it before restoring it (stop the containers using it, or pxctl host detach "
          + v.name() + " on that node)");
    }
    try {
      NbdExport volume = exports.find(v.name())
          .orElseThrow(() -> ApiException.notFound("no volume '" + v.name() + "' to write here"));
      NbdExport snapshot = exports.find(s.name()).orElseThrow(() -> ApiException.conflict("this node holds no replica"
          + " of snapshot " + s.name() + "; restore it through a node with a replica of " + v.name() + " ("
          + String.join(", ", v.replicas()) + ")"));
      LOG.info("restoring volume {} from snapshot {}", v.name(), s.name());
      VolumeRestoreView done = new SnapshotRestore(volume, snapshot, s.sizeBytes()).run();
      LOG.info("restored volume {} from snapshot {}: {} bytes written, {} zeroed, in {} ms", v.name(), s.name(),
          done.writtenBytes(), done.zeroedBytes(), done.millis());
      return done;
    } catch (SnapshotRestore.RestoreFailedException | NbdException e) {
      throw ApiException.unavailable("restoring volume " + v.name() + " from snapshot " + s.name() + " stopped: "
          + e.getMessage() + "; the volume holds a partial restore until it is run again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("restoring volume " + v.name() + " was interrupted; run it again", e);
    } finally {
      catalog.attachment(v.id()).filter(claim::equals).ifPresent(a -> catalog.deleteAttachment(v.id()));
    }
  }
}
