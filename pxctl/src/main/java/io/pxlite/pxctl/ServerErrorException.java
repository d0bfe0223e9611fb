package io.pxlite.pxctl;

/** The management API answered with an error status; the message is the server's own error text. */
final class ServerErrorException extends PxctlException {
  private final int status;

  ServerErrorException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
