package io.pxlite.store;

/** Base of every error the block store reports; each subclass carries the context a user needs. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
