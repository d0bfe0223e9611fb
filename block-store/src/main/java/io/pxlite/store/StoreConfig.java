package io.pxlite.store;

import io.pxlite.store.device.DeviceConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * How to open a block store.
 *
 * @param indexDir where the RocksDB index lives (on the node's data dir, not on a pooled device)
 * @param devices the devices to pool, in order
 * @param clusterId written into each device's label; a device labelled by another cluster is refused
 * @param nodeId written into each device's label; a device labelled by another node is refused
 * @param force allow taking over a device that is labelled by another cluster/node or holds other data
 */
public record StoreConfig(
    Path indexDir, List<DeviceConfig> devices, String clusterId, String nodeId, boolean force) {}
