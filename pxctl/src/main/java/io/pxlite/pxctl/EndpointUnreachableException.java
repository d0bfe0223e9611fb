package io.pxlite.pxctl;

/** No connection could be made to the management API; the message says where, why and what to check. */
final class EndpointUnreachableException extends PxctlException {
  EndpointUnreachableException(Endpoint endpoint, String reason, String hint, Throwable cause) {
    super("cannot reach pxlite at " + endpoint + ": " + reason + " (" + hint + ")", cause);
  }
}
