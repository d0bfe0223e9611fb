package io.pxlite.store;

/** A volume or snapshot id that is already in use, given to createVolume or snapshot. */
public class VolumeExistsException extends StoreException {
  public VolumeExistsException(String message) {
    super(message);
  }

  public VolumeExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
