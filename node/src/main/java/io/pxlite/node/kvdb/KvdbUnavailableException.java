package io.pxlite.node.kvdb;

/** The kvdb could not be reached (or did not answer in time); the message names its address. */
public class KvdbUnavailableException extends RuntimeException {
  public KvdbUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
