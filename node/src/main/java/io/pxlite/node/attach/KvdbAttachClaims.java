package io.pxlite.node.attach;

import io.pxlite.node.kvdb.AttachmentRecord;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.NodeRecord;
import java.time.Instant;
import java.util.Optional;

/** {@link AttachClaims} in the cluster's kvdb. */
public final class KvdbAttachClaims implements AttachClaims {
  private final ClusterCatalog catalog;

  public KvdbAttachClaims(ClusterCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void claim(String volumeId, String volumeName, String nodeId) {
    AttachmentRecord holder = catalog.claimAttachment(
        new AttachmentRecord(volumeId, volumeName, nodeId, Instant.now().toString()));
    if (holder.isRestore()) {
      throw AttachException.conflict("volume " + volumeName + " is being restored from a snapshot on node "
          + holder.nodeId() + " since " + holder.since() + "; attach it when the restore is done");
    }
    if (holder.isClone()) {
      throw AttachException.conflict("volume " + volumeName + " is a clone still being copied from its source on node "
          + holder.nodeId() + " since " + holder.since() + "; attach it when the clone is done (if that node restarted"
          + " meanwhile, the clone was cut short: delete it and clone again)");
    }
    if (!holder.nodeId().equals(nodeId)) {
      String host = catalog.nodes().stream().filter(n -> n.id().equals(holder.nodeId())).findFirst()
          .map(NodeRecord::mgmtIp).orElse("unknown host");
      String state = catalog.isAlive(holder.nodeId()) ? "online" : "offline";
      throw AttachException.conflict("volume " + volumeName + " is attached on node " + holder.nodeId() + " (" + host
          + ", " + state + ") since " + holder.since() + "; detach it there first (pxctl host detach " + volumeName
          + " on that node)");
    }
  }

  @Override
  public void release(String volumeId, String nodeId) {
    catalog.attachment(volumeId).filter(a -> a.nodeId().equals(nodeId)).ifPresent(a -> catalog.deleteAttachment(volumeId));
  }

  @Override
  public java.util.List<String> claimedBy(String nodeId) {
    // A clone's claim is no attachment: it stays until the clone is done or deleted.
    return catalog.attachments().stream().filter(a -> a.nodeId().equals(nodeId) && !a.isClone())
        .map(AttachmentRecord::volumeId).toList();
  }

  @Override
  public Optional<String> holder(String volumeId) {
    return catalog.attachment(volumeId).map(AttachmentRecord::nodeId);
  }
}
