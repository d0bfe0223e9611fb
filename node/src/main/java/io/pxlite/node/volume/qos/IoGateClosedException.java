package io.pxlite.node.volume.qos;

import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;

/** A request held back by a volume's limits when the node stopped: it fails as the server shutting down. */
final class IoGateClosedException extends NbdException {
  IoGateClosedException() {
    super(NbdError.ESHUTDOWN, "the node is stopping; a request waiting for its volume's I/O limit was not started");
  }
}
