package io.pxlite.store.device;

import java.nio.file.Path;

/** Capacity and use of one pooled device, in bytes. */
public record DeviceUsage(String deviceId, Path path, long capacityBytes, long usedBytes) {}
