package io.pxlite.store.device;

import java.nio.file.Path;

/**
 * One device to pool: a block device, or a regular file. A file that does not exist is created
 * sparse at {@code sizeBytes}; for an existing file or a block device {@code sizeBytes} is ignored
 * (0 is allowed) and the device's own size is used.
 */
public record DeviceConfig(Path path, long sizeBytes) {}
