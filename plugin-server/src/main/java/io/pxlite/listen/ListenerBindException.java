package io.pxlite.listen;

/** A front door could not bind one of its configured addresses; the message names it. */
public class ListenerBindException extends RuntimeException {
  public ListenerBindException(String message, Throwable cause) {
    super(message, cause);
  }
}
