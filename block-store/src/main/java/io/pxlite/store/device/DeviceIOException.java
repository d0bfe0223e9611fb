package io.pxlite.store.device;

import java.io.IOException;
import java.nio.file.Path;

/** An I/O error attributed to one device, so that the failure can be shown against it. */
public final class DeviceIOException extends IOException {
  private final Path device;
  private final String deviceId;

  DeviceIOException(Path device, String deviceId, String what, IOException cause) {
    super(what + " device " + device + " (" + deviceId + ") failed: " + cause.getMessage(), cause);
    this.device = device;
    this.deviceId = deviceId;
  }

  public Path device() {
    return device;
  }

  public String deviceId() {
    return deviceId;
  }
}
