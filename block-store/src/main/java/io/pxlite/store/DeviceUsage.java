package io.pxlite.store;

import java.nio.file.Path;

/** Capacity and use of one pooled device, in bytes. */
public record DeviceUsage(String deviceId, Path path, long capacityBytes, long usedBytes) {}
