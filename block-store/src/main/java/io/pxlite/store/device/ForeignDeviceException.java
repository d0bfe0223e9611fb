package io.pxlite.store.device;

import io.pxlite.store.StoreException;

/** A device labelled by another cluster or node, or holding other data (such as a filesystem), opened without force. */
public class ForeignDeviceException extends StoreException {
  public ForeignDeviceException(String message) {
    super(message);
  }

  public ForeignDeviceException(String message, Throwable cause) {
    super(message, cause);
  }
}
