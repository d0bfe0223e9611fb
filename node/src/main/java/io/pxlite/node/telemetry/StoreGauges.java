package io.pxlite.node.telemetry;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pxlite.ops.metrics.MetricName;
import io.pxlite.ops.metrics.SourcedCounter;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceUsage;
import java.util.function.ToLongFunction;

/**
 * The block store's devices and index, read from the store at each scrape (its counters are kept by
 * the store; these only look). The devices are fixed for the node's life, so they register once.
 */
final class StoreGauges {
  private StoreGauges() {}

  static void register(MetricRegistry registry, BlockStore store) {
    for (DeviceUsage device : store.devices()) {
      String[] labels = {"device", device.path().toString()};
      String id = device.deviceId();
      gauge(registry, "px_disk_capacity_bytes", labels, () -> device(store, id, DeviceUsage::capacityBytes));
      gauge(registry, "px_disk_used_bytes", labels, () -> device(store, id, DeviceUsage::usedBytes));
      counter(registry, "pxlite_device_checksum_failures_total", labels, () -> device(store, id, DeviceUsage::checksumFailures));
      counter(registry, "pxlite_device_repairs_total", labels, () -> device(store, id, DeviceUsage::repairs));
      counter(registry, "pxlite_device_io_errors_total", labels, () -> device(store, id, DeviceUsage::ioErrors));
      gauge(registry, "pxlite_device_failed", labels,
          () -> store.failure().filter(f -> f.deviceId().equals(id)).isPresent() ? 1 : 0);
    }
    String[] none = {};
    counter(registry, "pxlite_rocksdb_bytes_written_total", none, () -> store.indexStats().bytesWritten());
    counter(registry, "pxlite_rocksdb_bytes_read_total", none, () -> store.indexStats().bytesRead());
    counter(registry, "pxlite_rocksdb_compactions_total", none, () -> store.indexStats().compactions());
    gauge(registry, "pxlite_rocksdb_memtable_bytes", none, () -> store.indexStats().memtableBytes());
    gauge(registry, "pxlite_rocksdb_block_cache_bytes", none, () -> store.indexStats().blockCacheBytes());
  }

  private static long device(BlockStore store, String deviceId, ToLongFunction<DeviceUsage> field) {
    for (DeviceUsage d : store.devices()) {
      if (d.deviceId().equals(deviceId)) {
        return field.applyAsLong(d);
      }
    }
    return 0;
  }

  private static void gauge(MetricRegistry registry, String family, String[] labels, java.util.function.LongSupplier value) {
    registry.gauge(MetricName.of(family, labels), () -> (Gauge<Long>) value::getAsLong);
  }

  private static void counter(MetricRegistry registry, String family, String[] labels, java.util.function.LongSupplier total) {
    registry.register(MetricName.of(family, labels), new SourcedCounter(total));
  }
}
