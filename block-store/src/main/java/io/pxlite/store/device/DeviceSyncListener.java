package io.pxlite.store.device;

import java.io.IOException;
import java.util.function.Consumer;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs every device before RocksDB flushes a memtable, whoever triggered the flush (a checkpoint or
 * a full memtable). With the WAL off, a flush is the moment index entries become durable; every entry
 * in the flushing memtable was written after its payload, so syncing the devices first means a
 * durable index entry never points at a payload that is not.
 */
public final class DeviceSyncListener extends AbstractEventListener {
  static {
    RocksDB.loadLibrary(); // a listener is a native object, made before the database opens
  }

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSyncListener.class);

  /** The exit status of a node halted because an index flush would have outrun a failed device sync. */
  static final int HALT_STATUS = 75;

  private volatile DevicePool devices;
  private final Consumer<IOException> onFailure;
  private final Consumer<IOException> stopFlush;

  /** In production: a failed sync halts the process (see {@link #onFlushBegin}). */
  public DeviceSyncListener(Consumer<IOException> onFailure) {
    this(onFailure, e -> Runtime.getRuntime().halt(HALT_STATUS));
  }

  /** @param stopFlush must not return in production: returning lets the flush go ahead */
  public DeviceSyncListener(Consumer<IOException> onFailure, Consumer<IOException> stopFlush) {
    super(EnabledEventCallback.ON_FLUSH_BEGIN);
    this.onFailure = onFailure;
    this.stopFlush = stopFlush;
  }

  /** Set once the devices are open; before that the index holds no entry pointing at them. */
  public void syncBeforeFlushes(DevicePool pool) {
    this.devices = pool;
  }

  @Override
  public void onFlushBegin(RocksDB db, FlushJobInfo info) {
    DevicePool pool = devices;
    if (pool == null) {
      return;
    }
    try {
      pool.forceAll();
    } catch (IOException e) {
      unsynced(info, e);
    } catch (RuntimeException e) {
      unsynced(info, new IOException(e));
    }
  }

  /**
   * A listener cannot stop the flush, and once this returns RocksDB writes the memtable out: index
   * entries would become durable that point at writes the device just lost. Only stopping the process
   * here, before the flush writes anything, keeps them volatile; a restart reopens the index at its
   * last durable state and Ratis replays the log after it. Checkpoints sync the devices before they
   * flush and do not flush when that fails, so this is reached only by a flush RocksDB started itself
   * (a full memtable) or by a sync failing between a checkpoint's sync and its flush.
   */
  private void unsynced(FlushJobInfo info, IOException e) {
    LOG.error("device sync before the index flush of {} failed; halting the node (status {}) so that no index "
        + "entry pointing at lost writes becomes durable; a restart replays the Raft log from the durable index",
        info.getColumnFamilyName(), HALT_STATUS, e);
    onFailure.accept(e);
    stopFlush.accept(e);
  }
}
