package io.pxlite.store;

/** A mutation aimed at a snapshot, which is read-only. */
public class ReadOnlyViewException extends StoreException {
  public ReadOnlyViewException(String message) {
    super(message);
  }

  public ReadOnlyViewException(String message, Throwable cause) {
    super(message, cause);
  }
}
