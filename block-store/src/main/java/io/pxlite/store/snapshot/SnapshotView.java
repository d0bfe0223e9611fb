package io.pxlite.store.snapshot;

import io.pxlite.store.BlockReader;
import io.pxlite.store.BlockView;
import io.pxlite.store.ByteRange;
import io.pxlite.store.NoSuchVolumeException;
import io.pxlite.store.Extent;
import io.pxlite.store.index.Catalog;
import java.nio.ByteBuffer;
import java.util.List;

/** A snapshot's frozen contents: every block's newest version at or below the snapshot's index. */
public final class SnapshotView implements BlockView {
  private final SnapshotRecord snapshot;
  private final Catalog catalog;
  private final BlockReader reader;

  public SnapshotView(SnapshotRecord snapshot, Catalog catalog, BlockReader reader) {
    this.snapshot = snapshot;
    this.catalog = catalog;
    this.reader = reader;
  }

  @Override
  public long id() {
    return snapshot.id();
  }

  @Override
  public long sizeBytes() {
    return snapshot.sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    checkLive();
    reader.read(snapshot.volumeId(), snapshot.index(), range(offset, dst.remaining(), "read"), dst);
  }

  @Override
  public List<Extent> allocation(long offset, long length) {
    checkLive();
    return reader.allocation(snapshot.volumeId(), snapshot.index(), range(offset, length, "allocation query"));
  }

  private ByteRange range(long offset, long length, String what) {
    return ByteRange.within(offset, length, snapshot.sizeBytes(), what, "snapshot", snapshot.id());
  }

  private void checkLive() {
    if (catalog.snapshot(snapshot.id()).filter(snapshot::equals).isEmpty()) {
      throw new NoSuchVolumeException("snapshot " + snapshot.id() + " was deleted");
    }
  }
}
