package io.pxlite.store.device;

import java.nio.file.Path;

/**
 * A pooled device's capacity and use in bytes, and its trouble since the store opened.
 *
 * @param checksumFailures blocks read from it that failed their CRC32C
 * @param repairs bad blocks on it rewritten from another replica
 * @param ioErrors reads, writes and syncs it failed
 */
public record DeviceUsage(String deviceId, Path path, long capacityBytes, long usedBytes, long checksumFailures,
    long repairs, long ioErrors) {}
