package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * One transmission-phase request as the client sent it; its content is the write payload (empty for
 * other commands). A write longer than the maximum payload carries no content and is
 * {@link #payloadDiscarded()}: the decoder skipped the bytes so the stream stays in sync.
 */
final class TransmissionRequest extends DefaultByteBufHolder {
  private final int flags;
  private final int type;
  private final long cookie;
  private final long offset;
  private final long length;
  private final boolean payloadDiscarded;

  TransmissionRequest(int flags, int type, long cookie, long offset, long length, ByteBuf payload,
      boolean payloadDiscarded) {
    super(payload);
    this.flags = flags;
    this.type = type;
    this.cookie = cookie;
    this.offset = offset;
    this.length = length;
    this.payloadDiscarded = payloadDiscarded;
  }

  static TransmissionRequest withoutPayload(int flags, int type, long cookie, long offset, long length) {
    return new TransmissionRequest(flags, type, cookie, offset, length, Unpooled.EMPTY_BUFFER, false);
  }

  int flags() {
    return flags;
  }

  boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  int type() {
    return type;
  }

  long cookie() {
    return cookie;
  }

  /** Unsigned on the wire; a value with the top bit set is past the end of any export. */
  long offset() {
    return offset;
  }

  /** Unsigned 32-bit length, as a non-negative long. */
  long length() {
    return length;
  }

  boolean payloadDiscarded() {
    return payloadDiscarded;
  }

  /** Bytes of memory this request holds while in flight: its payload, or the buffer a read fills. */
  long memoryCost() {
    return switch (type) {
      case NbdProtocol.CMD_WRITE -> content().readableBytes();
      case NbdProtocol.CMD_READ -> Math.min(length, NbdProtocol.MAX_PAYLOAD);
      default -> 0;
    };
  }

  @Override
  public String toString() {
    return String.format("%s(cookie=%d, flags=0x%x, offset=%s, length=%d)", NbdProtocol.commandName(type), cookie,
        flags, Long.toUnsignedString(offset), length);
  }
}
