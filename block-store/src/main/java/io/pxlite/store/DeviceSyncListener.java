package io.pxlite.store;

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
final class DeviceSyncListener extends AbstractEventListener {
  static {
    RocksDB.loadLibrary(); // a listener is a native object, made before the database opens
  }

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSyncListener.class);

  private volatile DevicePool devices;
  private final Consumer<IOException> onFailure;

  DeviceSyncListener(Consumer<IOException> onFailure) {
    super(EnabledEventCallback.ON_FLUSH_BEGIN);
    this.onFailure = onFailure;
  }

  /** Set once the devices are open; before that the index holds no entry pointing at them. */
  void syncBeforeFlushes(DevicePool pool) {
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
      // A listener cannot stop the flush; the store is marked failed so nothing more is applied.
      LOG.error("device sync before index flush of {} failed; the store stops accepting changes",
          info.getColumnFamilyName(), e);
      onFailure.accept(e);
    } catch (RuntimeException e) {
      LOG.error("device sync before index flush of {} failed", info.getColumnFamilyName(), e);
      onFailure.accept(new IOException(e));
    }
  }
}
