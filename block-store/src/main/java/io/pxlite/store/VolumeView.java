package io.pxlite.store;

import java.nio.ByteBuffer;
import java.util.List;

/** The current contents of a volume: every block's newest version. */
final class VolumeView implements BlockView {
  private final Volume volume;
  private final BlockReader reader;

  VolumeView(Volume volume, BlockReader reader) {
    this.volume = volume;
    this.reader = reader;
  }

  @Override
  public long id() {
    return volume.id;
  }

  @Override
  public long sizeBytes() {
    return volume.sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    volume.checkLive();
    reader.read(volume.id, Long.MAX_VALUE, ByteRange.within(offset, dst.remaining(), volume.sizeBytes(), "read", "volume", volume.id), dst);
  }

  @Override
  public List<Extent> allocation(long offset, long length) {
    volume.checkLive();
    return reader.allocation(volume.id, Long.MAX_VALUE, ByteRange.within(offset, length, volume.sizeBytes(), "allocation query", "volume", volume.id));
  }
}
