package io.pxlite.store;

/** An offset or length past the end of a volume, or otherwise invalid for it. */
public class OutOfRangeException extends StoreException {
  public OutOfRangeException(String message) {
    super(message);
  }

  public OutOfRangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
