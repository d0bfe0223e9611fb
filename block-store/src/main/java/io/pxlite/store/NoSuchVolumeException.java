package io.pxlite.store;

/** A volume or snapshot id the store does not hold. */
public class NoSuchVolumeException extends StoreException {
  public NoSuchVolumeException(String message) {
    super(message);
  }

  public NoSuchVolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
