package io.pxlite.store;

/**
 * Space held by one volume in this store.
 *
 * @param liveBytes bytes of blocks the volume's current contents hold
 * @param snapshotBytes bytes of older block versions kept only because a snapshot needs them
 */
public record VolumeUsage(long volumeId, long sizeBytes, long liveBytes, long snapshotBytes) {
  public long totalBytes() {
    return liveBytes + snapshotBytes;
  }
}
