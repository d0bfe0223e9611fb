package io.pxlite.store;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The node's block store. One instance per node; thread-safe. Mutations for one stream are applied
 * by one thread in log order; mutations of different streams, and reads, may run concurrently.
 *
 * <p>Every mutation takes the {@link ApplyPosition} of the log entry that caused it. If that position
 * is not after the stream's applied position the call does nothing (replay). Otherwise the change
 * and the new applied position are written in one atomic batch. A mutation that throws leaves the
 * store unchanged; the caller then records the position with {@link #recordApplied}.
 */
public final class BlockStore implements AutoCloseable {
  /** The unit of allocation, checksumming and versioning. */
  public static final int BLOCK_SIZE = 4096;

  public static BlockStore open(StoreConfig config) {
    throw new UnsupportedOperationException("implemented by the block-store module");
  }

  // ---------------------------------------------------------------- mutations

  /** Registers a new, empty (all-holes) volume of {@code sizeBytes}, a multiple of {@link #BLOCK_SIZE}. */
  public void createVolume(ApplyPosition at, long volumeId, long sizeBytes) {
    throw new UnsupportedOperationException();
  }

  /** Writes {@code data} (position to limit) at {@code offset}; unaligned ranges read-modify-write. */
  public void write(ApplyPosition at, long volumeId, long offset, ByteBuffer data) {
    throw new UnsupportedOperationException();
  }

  /** Makes {@code [offset, offset+length)} read as zeros, releasing whole blocks (TRIM, WRITE_ZEROES). */
  public void zero(ApplyPosition at, long volumeId, long offset, long length) {
    throw new UnsupportedOperationException();
  }

  /** Grows or shrinks a volume; shrinking releases blocks past the new end (kept if a snapshot needs them). */
  public void resize(ApplyPosition at, long volumeId, long newSizeBytes) {
    throw new UnsupportedOperationException();
  }

  /** Freezes the volume's current contents as snapshot {@code snapshotId}; copies nothing. */
  public void snapshot(ApplyPosition at, long volumeId, long snapshotId) {
    throw new UnsupportedOperationException();
  }

  /** Drops a snapshot and releases the block versions only it needed. */
  public void deleteSnapshot(ApplyPosition at, long snapshotId) {
    throw new UnsupportedOperationException();
  }

  /** Drops a volume, its snapshots, and all their blocks. */
  public void deleteVolume(ApplyPosition at, long volumeId) {
    throw new UnsupportedOperationException();
  }

  /** Advances a stream's applied position without a change (a failed or empty log entry). */
  public void recordApplied(ApplyPosition at) {
    throw new UnsupportedOperationException();
  }

  /** The last position applied for {@code stream}; right after {@link #open} this is the durable one. */
  public ApplyPosition applied(String stream) {
    throw new UnsupportedOperationException();
  }

  /**
   * Makes everything applied so far durable: syncs devices, then flushes the index. After it returns
   * a crash loses nothing applied before the call, and slots freed before the call may be reused.
   */
  public void checkpoint() {
    throw new UnsupportedOperationException();
  }

  // ---------------------------------------------------------------- reads

  /** A view of a volume (read-write) or snapshot (read-only) by id. */
  public BlockView view(long volumeOrSnapshotId) {
    throw new UnsupportedOperationException();
  }

  public boolean hasVolume(long volumeId) {
    throw new UnsupportedOperationException();
  }

  /** The volume a snapshot was taken of, if {@code snapshotId} is a snapshot. */
  public Optional<Long> snapshotParent(long snapshotId) {
    throw new UnsupportedOperationException();
  }

  public VolumeUsage usage(long volumeId) {
    throw new UnsupportedOperationException();
  }

  public List<DeviceUsage> devices() {
    throw new UnsupportedOperationException();
  }

  /** How many reads failed their checksum since the store opened. */
  public long checksumErrors() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException();
  }
}
