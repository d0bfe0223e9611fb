package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.List;

/**
 * The outcome of one request, as the session hands it to {@link TransmissionReplyEncoder}, which
 * chooses the wire form (simple reply or structured chunk) the connection negotiated.
 */
sealed interface TransmissionReply {
  long cookie();

  /** Success without data. */
  record Done(long cookie) implements TransmissionReply {}

  /** The data of a successful read; owns its buffer until written. */
  final class ReadData extends DefaultByteBufHolder implements TransmissionReply {
    private final long cookie;
    private final long offset;

    ReadData(long cookie, long offset, ByteBuf data) {
      super(data);
      this.cookie = cookie;
      this.offset = offset;
    }

    @Override
    public long cookie() {
      return cookie;
    }

    long offset() {
      return offset;
    }
  }

  /** The extents of one metadata context for a block status request. */
  record BlockStatus(long cookie, int contextId, List<AllocationExtents.Extent> extents) implements TransmissionReply {}

  /** A refused or failed request; the message is for a human (sent only with structured replies). */
  record Failed(long cookie, NbdError error, String message) implements TransmissionReply {}
}
