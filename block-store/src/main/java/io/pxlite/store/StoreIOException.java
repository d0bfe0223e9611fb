package io.pxlite.store;

/** An I/O error from a device or from RocksDB. */
public class StoreIOException extends StoreException {
  public StoreIOException(String message) {
    super(message);
  }

  public StoreIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
