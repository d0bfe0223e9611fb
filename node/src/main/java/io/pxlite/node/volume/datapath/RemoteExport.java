package io.pxlite.node.volume.datapath;

import io.pxlite.node.volume.OutcomeErrors;
import io.pxlite.journal.GroupLog;
import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.nbd.NbdExport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A volume served over NBD by a node that holds no replica of it: writes go to the group's log as
 * anywhere else, reads are linearizable reads answered by the group (its leader's store), so a
 * volume can be attached on any node of the cluster.
 */
final class RemoteExport implements NbdExport {
  private final String name;
  private final long id;
  private final GroupLog log;
  private final VolumeLogWriter writer;
  private final long sizeBytes;
  /** Inside the NBD server's 30 s handshake timeout, so that a client is told why instead of cut off. */
  private static final long OPEN_WAIT_SECONDS = 20;

  private RemoteExport(String name, long id, GroupLog log, long sizeBytes) {
    this.name = name;
    this.id = id;
    this.log = log;
    this.writer = new VolumeLogWriter(name, id, log, new ReadFloor());
    this.sizeBytes = sizeBytes;
  }

  /** The export, sized by asking the group; fails when the group does not answer. */
  static RemoteExport open(String name, long volumeId, GroupLog log) {
    try {
      long size = log.size(volumeId).get(OPEN_WAIT_SECONDS, TimeUnit.SECONDS)
          .orElseThrow(() -> new NbdException(NbdError.EIO, name + ": its replica group has no such volume"));
      return new RemoteExport(name, volumeId, log, size);
    } catch (NbdException e) {
      throw e;
    } catch (Exception e) {
      throw new NbdException(NbdError.EIO, name + ": its replica group did not answer: " + e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String id() {
    return io.pxlite.node.volume.VolumeIds.format(id);
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    try {
      ByteBuffer data = log.read(id, offset, dst.remaining()).get(ReadFloor.WAIT_NANOS, TimeUnit.NANOSECONDS);
      dst.put(data);
    } catch (Exception e) {
      throw OutcomeErrors.translate(e, name);
    }
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    return writer.write(offset, data);
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return writer.zero(offset, length);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null);
  }

  /** Allocation is not asked of the group: everything reads as data, which is always correct. */
  @Override
  public List<AllocationRun> allocation(long offset, long length) {
    return List.of(new AllocationRun(offset, length, false));
  }
}
