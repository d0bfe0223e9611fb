package io.pxlite.nbd;

/**
 * A client broke the protocol in a way that leaves the byte stream unusable (bad magic, unknown
 * client flags, unexpected message). The only remedy is a hard disconnect of that one connection.
 */
final class NbdProtocolException extends RuntimeException {
  NbdProtocolException(String message) {
    super(message);
  }
}
