package io.pxlite.store;

import io.pxlite.store.device.DeviceAdmission;
import io.pxlite.store.device.DeviceLabel;
import io.pxlite.store.device.DevicePool;
import io.pxlite.store.device.DeviceRegistry;
import io.pxlite.store.device.DeviceSyncListener;
import io.pxlite.store.index.Catalog;
import io.pxlite.store.index.IndexDb;
import io.pxlite.store.index.IndexFormat;
import io.pxlite.store.index.RocksLibrary;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a block store: the index, then the devices it admits, then the in-memory state rebuilt from
 * the index. Whatever it opened is closed again if a later step fails.
 */
final class StoreLoader {
  private static final Logger LOG = LoggerFactory.getLogger(StoreLoader.class);

  private StoreLoader() {}

  static BlockStore open(StoreConfig config) {
    return open(config, null);
  }

  /** As {@link #open(StoreConfig)}, with {@code stopFlush} instead of halting on an unsynced flush (tests; null: halt). */
  static BlockStore open(StoreConfig config, java.util.function.Consumer<IOException> stopFlush) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(config.indexDir(), "indexDir");
    DeviceLabel.checkId("clusterId", config.clusterId());
    DeviceLabel.checkId("nodeId", config.nodeId());
    if (config.devices() == null || config.devices().isEmpty()) {
      throw new IllegalArgumentException("a block store needs at least one device");
    }
    // Before any RocksDB object: the first one would load the library through RocksDB's own loader.
    RocksLibrary.load(config.indexDir().toAbsolutePath().getParent().resolve("native"));
    StoreHealth health = new StoreHealth();
    DeviceSyncListener listener = stopFlush == null
        ? new DeviceSyncListener(health::failed)
        : new DeviceSyncListener(health::failed, stopFlush);
    IndexDb db = null;
    DevicePool pool = null;
    try {
      db = IndexDb.open(config.indexDir(), listener);
      IndexFormat.check(db, config.indexDir());
      DeviceAdmission.Admitted admitted = DeviceAdmission.admit(config, DeviceRegistry.load(db));
      pool = new DevicePool(admitted.devices());
      listener.syncBeforeFlushes(pool);
      storeRegistry(db, admitted.changedEntries());
      Catalog catalog = Catalog.load(db);
      StartupScan.run(db, pool, catalog);
      BlockStore store = new BlockStore(db, pool, listener, catalog, AppliedPositions.load(db), health);
      LOG.info("block store open: index {}, {} devices, {} volumes", config.indexDir(), pool.devices().size(), catalog.volumeCount());
      return store;
    } catch (RuntimeException e) {
      closeQuietly(e, pool);
      closeQuietly(e, db);
      closeQuietly(e, listener);
      throw e;
    }
  }

  /** New or moved devices are recorded durably before any block can refer to them. */
  private static void storeRegistry(IndexDb db, List<DeviceRegistry.Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try (WriteBatch batch = new WriteBatch()) {
      for (DeviceRegistry.Entry e : entries) {
        DeviceRegistry.store(batch, db, e);
      }
      db.write(batch);
    } catch (RocksDBException e) {
      throw new StoreIOException("recording devices in the index failed: " + e.getMessage(), e);
    }
    db.flush();
  }

  private static void closeQuietly(RuntimeException failure, AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
