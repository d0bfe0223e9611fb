package io.pxlite.store;

import java.nio.file.Path;

/**
 * Why a store stopped accepting changes: the device whose sync failed (null if the failure could not
 * be attributed to one) and the error.
 */
public record StoreFailure(Path device, String deviceId, String reason) {}
