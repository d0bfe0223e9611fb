package io.pxlite.pxctl;

/**
 * A failure to report to the user as one line, {@code pxctl: <message>}, with exit code 1. The
 * message is complete on its own: it names the endpoint or echoes the server's error text.
 */
class PxctlException extends RuntimeException {
  PxctlException(String message) {
    super(message);
  }

  PxctlException(String message, Throwable cause) {
    super(message, cause);
  }
}
