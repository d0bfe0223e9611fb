package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the transmission-phase byte stream into {@link TransmissionRequest}s: a 28-byte header and,
 * for writes, the payload. A bad request magic means the stream is lost and the connection must go.
 * A write longer than the maximum payload is not buffered: its payload is skipped as it arrives and
 * the request is passed on marked as discarded, so the client gets an error and stays in sync.
 */
final class RequestDecoder extends ByteToMessageDecoder {
  private static final int HEADER_LENGTH = 28;

  /** Payload bytes of an oversized write still to skip. */
  private long skipping;
  private boolean failed;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (skipping > 0) {
      int skipped = (int) Math.min(skipping, in.readableBytes());
      in.skipBytes(skipped);
      skipping -= skipped;
      if (skipping > 0) {
        return;
      }
    }
    // The magic is checked as soon as it is here, so garbage is refused without waiting for more.
    if (in.readableBytes() < 4) {
      return;
    }
    int start = in.readerIndex();
    int magic = in.getInt(start);
    if (magic != NbdProtocol.REQUEST_MAGIC) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new NbdProtocolException(String.format("bad request magic 0x%08x (want 0x%08x)",
          magic, NbdProtocol.REQUEST_MAGIC));
    }
    if (in.readableBytes() < HEADER_LENGTH) {
      return;
    }
    int flags = in.getUnsignedShort(start + 4);
    int type = in.getUnsignedShort(start + 6);
    long cookie = in.getLong(start + 8);
    long offset = in.getLong(start + 16);
    long length = in.getUnsignedInt(start + 24);
    if (type != NbdProtocol.CMD_WRITE) {
      in.skipBytes(HEADER_LENGTH);
      out.add(TransmissionRequest.withoutPayload(flags, type, cookie, offset, length));
      return;
    }
    if (length > NbdProtocol.MAX_PAYLOAD) {
      in.skipBytes(HEADER_LENGTH);
      skipping = length;
      out.add(new TransmissionRequest(flags, type, cookie, offset, length, Unpooled.EMPTY_BUFFER, true));
      return;
    }
    if (in.readableBytes() < HEADER_LENGTH + length) {
      return;
    }
    in.skipBytes(HEADER_LENGTH);
    out.add(new TransmissionRequest(flags, type, cookie, offset, length, in.readRetainedSlice((int) length), false));
  }
}
