package io.pxlite.store;

/** No free slot is left on any device for a write. */
public class OutOfSpaceException extends StoreException {
  public OutOfSpaceException(String message) {
    super(message);
  }

  public OutOfSpaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
