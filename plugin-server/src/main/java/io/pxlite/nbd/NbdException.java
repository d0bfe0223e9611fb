package io.pxlite.nbd;

/** A request an export refuses, with the NBD error to reply with and a message for the log. */
public class NbdException extends RuntimeException {
  private final NbdError error;

  public NbdException(NbdError error, String message) {
    super(message);
    this.error = error;
  }

  public NbdException(NbdError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  public NbdError error() {
    return error;
  }
}
