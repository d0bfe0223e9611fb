package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the option haggling byte stream into {@link OptionRequest}s. Option data is buffered only up
 * to {@link #MAX_OPTION_LENGTH}: a larger declared length yields an oversized request (the negotiator
 * answers it and closes) instead of buffering whatever the client cares to send.
 */
final class OptionDecoder extends ByteToMessageDecoder {
  /** Far above any option we understand (a GO with a 4 KiB name, many meta context queries). */
  static final int MAX_OPTION_LENGTH = 64 * 1024;

  private static final int HEADER_LENGTH = 16;

  /** Set once the stream cannot be trusted; everything after is dropped while the channel closes. */
  private boolean discarding;
  /** While an export is looked up ({@link ExportLookup}): what follows the option waits here, undecoded. */
  private boolean paused;

  void pause() {
    paused = true;
  }

  /** Decodes what arrived while paused, and goes on decoding. On the channel's event loop. */
  void resume(ChannelHandlerContext ctx) {
    paused = false;
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  /** The decoder asks for more input when a read yielded no option; not while paused. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (paused) {
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (paused || in.readableBytes() < 8) {
      return;
    }
    int start = in.readerIndex();
    long magic = in.getLong(start);
    if (magic != NbdProtocol.IHAVEOPT) {
      discarding = true;
      in.skipBytes(in.readableBytes());
      throw new NbdProtocolException(String.format("bad option magic 0x%016x (want IHAVEOPT)", magic));
    }
    if (in.readableBytes() < HEADER_LENGTH) {
      return;
    }
    int option = in.getInt(start + 8);
    long length = in.getUnsignedInt(start + 12);
    if (length > MAX_OPTION_LENGTH) {
      discarding = true;
      in.skipBytes(in.readableBytes());
      out.add(OptionRequest.oversized(option, length));
      return;
    }
    if (in.readableBytes() < HEADER_LENGTH + length) {
      return;
    }
    in.skipBytes(HEADER_LENGTH);
    out.add(OptionRequest.of(option, in.readRetainedSlice((int) length)));
  }
}
