package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;

/**
 * Takes and drops snapshots on demand (a user's, or the one a clone of a live volume copies from):
 * the catalog record first, then the group's event, so a snapshot never exists in a store without a
 * record, and a record whose event failed is removed again.
 */
final class VolumeSnapshots {
  private final ClusterCatalog catalog;
  private final GroupEvents events;

  VolumeSnapshots(ClusterCatalog catalog, GroupEvents events) {
    this.catalog = catalog;
    this.events = events;
  }

  /** The snapshot named or with the id {@code ref}. */
  SnapshotRecord find(String ref) {
    return lookup(ref).orElseThrow(() -> ApiException.notFound("no snapshot '" + ref + "'"));
  }

  /** The snapshot named or with the id {@code ref}, if there is one. */
  java.util.Optional<SnapshotRecord> lookup(String ref) {
    return catalog.snapshots().stream().filter(r -> r.name().equals(ref) || r.id().equals(ref)).findFirst();
  }

  /** Records and takes a snapshot of {@code v} ({@code name} null: named after the volume and its id). */
  SnapshotRecord take(VolumeRecord v, String name, String creator) {
    long id = VolumeIds.next();
    String named = name == null ? v.name() + ".snap-" + VolumeIds.format(id).substring(8) : name;
    SnapshotRecord record = new SnapshotRecord(VolumeIds.format(id), named, v.id(), v.name(), v.sizeBytes(),
        VolumeService.now(), creator);
    if (!catalog.createSnapshot(record)) {
      throw ApiException.conflict("a volume or snapshot named '" + named + "' already exists");
    }
    try {
      EventOutcome outcome = events.submit(v, new VolumeEvent.Snapshot(v.numericId(), id), "snapshot " + v.name());
      if (!outcome.isOk()) {
        throw GroupEvents.failed("snapshot " + v.name(), outcome);
      }
    } catch (RuntimeException e) {
      catalog.deleteSnapshot(named);
      throw e;
    }
    return record;
  }

  /** Drops {@code s} from its volume's stores, then its record; one already gone from the store is fine. */
  void drop(SnapshotRecord s, VolumeRecord of) {
    EventOutcome outcome = events.submit(of, new VolumeEvent.DeleteSnapshot(s.numericId()), "delete snapshot " + s.name());
    if (!outcome.isOk() && outcome.code() != EventOutcome.Code.NO_SUCH_VOLUME) {
      throw GroupEvents.failed("delete snapshot " + s.name(), outcome);
    }
    catalog.deleteSnapshot(s.name());
  }
}
