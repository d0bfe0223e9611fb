package io.pxlite.store;

/** A stored block whose CRC32C does not match its payload (bit-rot or a torn write); the read fails, it never returns the bad bytes. */
public class ChecksumMismatchException extends StoreException {
  public ChecksumMismatchException(String message) {
    super(message);
  }

  public ChecksumMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
