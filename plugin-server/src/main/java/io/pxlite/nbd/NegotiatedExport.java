package io.pxlite.nbd;

/**
 * What one connection agreed on when it left option haggling: the export, its size and transmission
 * flags as sent to the client, and the protocol extensions the client turned on. Requests in the
 * transmission phase are judged against this, not against later changes to the export.
 */
record NegotiatedExport(
    NbdExport export, long sizeBytes, int transmissionFlags, boolean structuredReplies, boolean allocationContext) {

  static NegotiatedExport of(NbdExport export, boolean structuredReplies, boolean allocationContext) {
    return new NegotiatedExport(
        export, export.sizeBytes(), transmissionFlags(export, structuredReplies), structuredReplies, allocationContext);
  }

  boolean readOnly() {
    return (transmissionFlags & NbdProtocol.TFLAG_READ_ONLY) != 0;
  }

  /**
   * FLUSH and FUA cost nothing extra because a write is acknowledged only once durable; for the same
   * reason every connection sees every acknowledged write, so CAN_MULTI_CONN holds. Zeroing is a
   * metadata operation (it releases space), hence always fast. DF is meaningful only with structured
   * replies, and the spec forbids it otherwise.
   */
  private static int transmissionFlags(NbdExport export, boolean structuredReplies) {
    int flags = NbdProtocol.TFLAG_HAS_FLAGS
        | NbdProtocol.TFLAG_SEND_FLUSH
        | NbdProtocol.TFLAG_SEND_FUA
        | NbdProtocol.TFLAG_CAN_MULTI_CONN
        | NbdProtocol.TFLAG_SEND_CACHE;
    if (structuredReplies) {
      flags |= NbdProtocol.TFLAG_SEND_DF;
    }
    if (export.readOnly()) {
      flags |= NbdProtocol.TFLAG_READ_ONLY;
    } else {
      flags |= NbdProtocol.TFLAG_SEND_TRIM | NbdProtocol.TFLAG_SEND_WRITE_ZEROES | NbdProtocol.TFLAG_SEND_FAST_ZERO;
    }
    return flags;
  }
}
